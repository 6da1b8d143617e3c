/**
 * `overseer check`: every problem of every file ([] when all are valid). Modules are imported
 * in a killable child process, so a module that hangs, spins or keeps handles open is a problem
 * on its `module:` line, never a hung or silent check.
 */
import { ConfigError, type ConfigProblem } from '../shared/errors.js';
import { loadSpecFile, type LoadOptions } from './load.js';

export async function checkFiles(files: readonly string[], options: LoadOptions): Promise<ConfigProblem[]> {
  return (await checkEachFile(files, options)).flatMap((r) => r.problems);
}

/** The verdict of each file, in order: its problems ([] = ok). */
export async function checkEachFile(files: readonly string[], options: LoadOptions): Promise<{ file: string; problems: ConfigProblem[] }[]> {
  const results: { file: string; problems: ConfigProblem[] }[] = [];
  for (const file of files) {
    const problems: ConfigProblem[] = [];
    try {
      await loadSpecFile(file, { isolateModules: true, ...options });
    } catch (error) {
      if (error instanceof ConfigError) {
        problems.push(...error.problems);
      } else {
        // A loader bug must still name the file and not end check with a stack trace.
        const message = error instanceof Error ? error.message : String(error);
        problems.push({ file, line: 1, col: 1, path: '', message: `cannot check this file: ${message.split('\n')[0]}` });
      }
    }
    results.push({ file, problems });
  }
  return results;
}
