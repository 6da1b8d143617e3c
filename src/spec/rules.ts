/**
 * Checks zod cannot express: a child is a worker (behaviour | module) or a supervisor
 * (children), never both or neither; worker-only and supervisor-only keys; unique sibling
 * ids; behaviour names known to the registry; params of behaviours that declare a schema.
 */
import type { z } from 'zod';
import type { ConfigProblem } from '../shared/errors.js';
import type { ConfigPath, SourceDoc } from './positions.js';
import { issuesToProblems, problem } from './problems.js';
import type { RawChild, RawSystemFile } from './schema.js';

const WORKER_ONLY = ['behaviour', 'module', 'params', 'mailbox'] as const;
const SUPERVISOR_ONLY = ['strategy', 'start', 'intensity'] as const;

export function checkRules(
  parsed: RawSystemFile,
  behaviours: ReadonlySet<string>,
  file: string,
  source: SourceDoc | undefined,
  paramsSchemas: ReadonlyMap<string, z.ZodType> = new Map(),
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const visit = (children: readonly RawChild[], base: ConfigPath) => {
    const seen = new Set<string>();
    children.forEach((c, i) => {
      const path = [...base, i];
      if (seen.has(c.id)) out.push(problem(file, source, [...path, 'id'], `duplicate id "${c.id}" among siblings`));
      seen.add(c.id);
      const isWorker = c.behaviour !== undefined || c.module !== undefined;
      if (c.behaviour !== undefined && c.module !== undefined) {
        out.push(problem(file, source, [...path, 'module'], 'a worker has either behaviour or module, not both'));
      }
      if (isWorker && c.children !== undefined) {
        out.push(problem(file, source, [...path, 'children'], 'a child is either a worker (behaviour or module) or a supervisor (children), not both'));
      } else if (!isWorker && c.children === undefined) {
        out.push(problem(file, source, path, 'a child needs behaviour or module (a worker) or children (a supervisor)'));
      }
      const misplaced = isWorker ? SUPERVISOR_ONLY : c.children !== undefined ? WORKER_ONLY : [];
      for (const key of misplaced) {
        if (c[key] !== undefined) out.push(problem(file, source, [...path, key], `"${key}" applies only to ${isWorker ? 'supervisors' : 'workers'}`, true));
      }
      if (c.behaviour !== undefined && !behaviours.has(c.behaviour)) {
        const known = [...behaviours].sort().join(', ') || '(none registered)';
        out.push(problem(file, source, [...path, 'behaviour'], `unknown behaviour "${c.behaviour}"; known: ${known}`));
      }
      const schema = c.behaviour !== undefined ? paramsSchemas.get(c.behaviour) : undefined;
      const checked = schema?.safeParse(c.params ?? {});
      if (checked && !checked.success) {
        const at = [...path, 'params'];
        const issues = checked.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] }));
        out.push(...issuesToProblems(issues, parsed, file, source));
      }
      if (c.children) visit(c.children, [...path, 'children']);
    });
  };
  visit(parsed.spec.children, ['spec', 'children']);
  return out;
}
