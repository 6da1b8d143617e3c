/**
 * Registers the playbooks a `workflows` actor's params name (files, or directories of them).
 * A file that does not load is logged problem by problem (FILE:LINE:COL: path: message),
 * published as `playbook_rejected`, and left out: the other playbooks run and the actor
 * stays ready. Warnings (a cycle without exit) are logged; the playbook loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSource } from '../../spec/positions.js';
import { ConfigError, formatProblem, type ConfigProblem } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { TaskHandler } from '../handlers.js';
import { loadPlaybookFile } from '../playbook/load.js';
import type { WorkflowEngine } from './engine.js';

const PLAYBOOK_FILE = /\.(ya?ml|json)$/;

/** The files `paths` name: files as given, directories' playbook files in name order (a `schema.json` is not one). */
export function playbookFiles(paths: readonly string[], baseDir: string): { files: string[]; problems: ConfigProblem[] } {
  const files: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const p of paths) {
    const full = resolve(baseDir, p);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) problems.push({ file: full, line: 0, col: 0, path: '', message: 'no such playbook file or directory' });
    else if (stat.isDirectory()) files.push(...readdirSync(full).filter((f) => PLAYBOOK_FILE.test(f) && f !== 'schema.json').sort().map((f) => join(full, f)));
    else files.push(full);
  }
  return { files, problems };
}

/** The name a broken file claims, so a create naming it can say why it is missing. */
function claimedName(file: string): string | undefined {
  try {
    const name = (parseSource(readFileSync(file, 'utf8')).value as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

export async function registerPlaybooks(
  engine: WorkflowEngine,
  paths: readonly string[],
  baseDir: string,
  handlers: ReadonlyMap<string, TaskHandler>,
  logger: Logger,
  publish: (type: string, data: Record<string, unknown>) => void,
): Promise<{ registered: string[]; rejected: string[] }> {
  const { files, problems: missing } = playbookFiles(paths, baseDir);
  const registered = new Map<string, string>();
  const rejected: string[] = [];
  const refuse = (file: string, problems: readonly ConfigProblem[], name = claimedName(file)) => {
    for (const p of problems) logger.error({ file, problem: p }, `playbook rejected: ${formatProblem(p)}`);
    publish('playbook_rejected', { file, problems });
    if (name) engine.reject(name, `${formatProblem(problems[0]!)}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`);
    rejected.push(file);
  };
  for (const p of missing) refuse(p.file, [p]);
  for (const file of files) {
    try {
      const { playbook, warnings } = await loadPlaybookFile(file, { handlers });
      for (const w of warnings) logger.warn({ file, problem: w }, `playbook warning: ${formatProblem(w)}`);
      const other = registered.get(playbook.name);
      if (other) {
        refuse(file, [{ file, line: 0, col: 0, path: 'metadata.name', message: `playbook "${playbook.name}" is already registered from ${other}` }], playbook.name);
        continue;
      }
      engine.register(playbook);
      registered.set(playbook.name, file);
      logger.info({ playbook: playbook.name, file, digest: playbook.digest }, 'playbook registered');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      refuse(file, error.problems);
    }
  }
  return { registered: [...registered.keys()], rejected };
}
