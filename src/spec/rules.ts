/**
 * Checks zod cannot express, run on the tolerant view (view.ts) so they work even when the
 * schema failed: a child is a worker (behaviour | module) or a supervisor (children), never both
 * or neither; kind-only keys; unique sibling ids; known behaviour names; built-in params.
 */
import type { z } from 'zod';
import type { ConfigProblem } from '../shared/errors.js';
import type { ConfigPath, SourceDoc } from './positions.js';
import { checkLinks } from './links.js';
import { issuesToProblems, problem } from './problems.js';
import type { ChildrenView } from './view.js';

const WORKER_ONLY = ['behaviour', 'module', 'params', 'mailbox', 'inputs'] as const;
const SUPERVISOR_ONLY = ['strategy', 'start', 'intensity', 'autoShutdown'] as const;

/** `raw` is the whole document (for the values named in params problems). */
export function checkRules(
  raw: unknown,
  children: ChildrenView | undefined,
  behaviours: ReadonlySet<string>,
  file: string,
  source: SourceDoc | undefined,
  paramsSchemas: ReadonlyMap<string, z.ZodType> = new Map(),
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  /** `autoShutdown` of the supervisor whose children these are (the root has none). */
  const visit = (list: ChildrenView, base: ConfigPath, autoShutdown: string) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      if (!c) return;
      const path = [...base, i];
      if (c.id !== undefined) {
        if (seen.has(c.id)) out.push(problem(file, source, [...path, 'id'], `duplicate id "${c.id}" among siblings`));
        seen.add(c.id);
      }
      const has = (key: string) => c.keys.has(key);
      const isWorker = has('behaviour') || has('module');
      const isSupervisor = has('children');
      if (has('behaviour') && has('module')) {
        out.push(problem(file, source, [...path, 'module'], 'a worker has either behaviour or module, not both'));
      }
      if (isWorker && isSupervisor) {
        out.push(problem(file, source, [...path, 'children'], 'a child is either a worker (behaviour or module) or a supervisor (children), not both'));
      } else if (!isWorker && !isSupervisor) {
        out.push(problem(file, source, path, 'a child needs behaviour or module (a worker) or children (a supervisor)'));
      }
      const misplaced = isWorker ? SUPERVISOR_ONLY : isSupervisor ? WORKER_ONLY : [];
      for (const key of misplaced) {
        if (has(key)) out.push(problem(file, source, [...path, key], `"${key}" applies only to ${isWorker ? 'supervisors' : 'workers'}`, true));
      }
      if (c.behaviour !== undefined && !behaviours.has(c.behaviour)) {
        const known = [...behaviours].sort().join(', ') || '(none registered)';
        out.push(problem(file, source, [...path, 'behaviour'], `unknown behaviour "${c.behaviour}"; known: ${known}`));
      }
      const schema = c.behaviour !== undefined ? paramsSchemas.get(c.behaviour) : undefined;
      // Malformed params (present, not an object) are the schema's problem.
      const checked = schema && (c.params !== undefined || !has('params')) ? schema.safeParse(c.params ?? {}) : undefined;
      if (checked && !checked.success) {
        const at = [...path, 'params'];
        const issues = checked.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] }));
        out.push(...issuesToProblems(issues, raw, file, source));
      }
      if (c.behaviour === 'control-plane' && has('placement')) {
        out.push(problem(file, source, [...path, 'placement'], 'the control plane runs on every node (it serves readiness and the admin endpoint); placement does not apply to it'));
      }
      if (c.placement === 'leader' && c.readinessRequired === true) {
        out.push(problem(file, source, [...path, 'readiness', 'required'], 'a placement: leader child runs on one node only: it cannot be required (every other node would never be ready)'));
      }
      if (c.significant === true) out.push(...significance(c.restart ?? 'permanent', autoShutdown, path, file, source));
      if (c.children) visit(c.children, [...path, 'children'], c.autoShutdown ?? 'never');
    });
  };
  if (children) visit(children, ['spec', 'children'], 'never');
  out.push(...checkLinks(children, file, source));
  return out;
}

/** OTP's checks of a significant child: never permanent (`bad_combination`), never under `auto_shutdown: never`. */
function significance(restart: string, autoShutdown: string, path: ConfigPath, file: string, source: SourceDoc | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (restart === 'permanent') out.push(problem(file, source, [...path, 'significant'], 'a significant child must be transient or temporary, not permanent (it would never complete)'));
  if (autoShutdown === 'never') out.push(problem(file, source, [...path, 'significant'], 'significant: true needs a parent supervisor with autoShutdown any_significant or all_significant'));
  return out;
}
