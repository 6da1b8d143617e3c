/**
 * `overseer check FILE…`: every problem of every file, positioned, on stderr; `FILE: ok` on
 * stdout for each file without one. Exit 78 if any file has a problem. Modules are imported in
 * a child process bounded by OVERSEER_MODULE_TIMEOUT_MS (spec/modules.ts).
 */
import { BehaviourRegistry } from '../actors/registry.js';
import { formatProblem } from '../shared/errors.js';
import { checkEachFile } from '../spec/index.js';
import { builtinBehaviours, builtinParams } from '../system/builtins.js';
import { EXIT } from './exit-codes.js';

export async function runCheck(files: string[]): Promise<number> {
  const behaviours = new BehaviourRegistry(Object.entries(builtinBehaviours())).names();
  const results = await checkEachFile(files, { behaviours, params: builtinParams() });
  const problems = results.flatMap((r) => r.problems);
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  // Every file gets a verdict: a clean file next to a broken one still says so.
  for (const r of results) if (r.problems.length === 0) process.stdout.write(`${r.file}: ok\n`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
    return EXIT.CONFIG;
  }
  return EXIT.OK;
}
