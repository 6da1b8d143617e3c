/** `overseer check`: every problem of every file ([] when all are valid). */
import { ConfigError, type ConfigProblem } from '../shared/errors.js';
import { loadSpecFile, type LoadOptions } from './load.js';

export async function checkFiles(files: readonly string[], options: LoadOptions): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const file of files) {
    try {
      await loadSpecFile(file, options);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  return problems;
}
