/** `overseer check FILE…`: every problem of every file, positioned; exit 78 if any. */
import { BehaviourRegistry } from '../actors/registry.js';
import { formatProblem } from '../shared/errors.js';
import { checkFiles } from '../spec/index.js';
import { builtinBehaviours, builtinParams } from '../system/builtins.js';
import { EXIT } from './exit-codes.js';

export async function runCheck(files: string[]): Promise<number> {
  const behaviours = new BehaviourRegistry(Object.entries(builtinBehaviours())).names();
  const problems = await checkFiles(files, { behaviours, params: builtinParams() });
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
    return EXIT.CONFIG;
  }
  for (const f of files) process.stdout.write(`${f}: ok\n`);
  return EXIT.OK;
}
