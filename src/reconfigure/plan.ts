/**
 * planChanges(running, desired): the pure half of live reconfiguration (DESIGN §10), like the
 * strategies' planRestart. It compares two normalized supervisor specs structurally and lists
 * what to do, phase by phase: removals, restarts, adds, reorders, settings changed in place.
 */
import type { AutoShutdown, BackoffSpec, ChildSpec, IntensitySpec, StartMode, Strategy, SupervisorSpec } from '../spec/types.js';

/** A supervisor's own settings: what can change without restarting it. */
export interface SupervisorSettings {
  readonly strategy: Strategy;
  readonly start: StartMode;
  readonly intensity: IntensitySpec;
  readonly backoff?: BackoffSpec;
  readonly autoShutdown: AutoShutdown;
}

/**
 * One step. `supervisor` is the path of the supervisor whose operation queue applies it;
 * `path` the child it is about (for `reorder` and `update_settings`, the supervisor itself).
 */
export type PlanStep =
  | { readonly op: 'remove'; readonly supervisor: string; readonly path: string; readonly id: string }
  | {
      readonly op: 'restart';
      readonly supervisor: string;
      readonly path: string;
      readonly id: string;
      readonly spec: ChildSpec;
      /** Top-level spec fields that differ (`params`, `behaviour`, `restart`, `children`…). */
      readonly fields: readonly string[];
    }
  | { readonly op: 'add'; readonly supervisor: string; readonly path: string; readonly id: string; readonly spec: ChildSpec; readonly index: number }
  | { readonly op: 'reorder'; readonly supervisor: string; readonly path: string; readonly order: readonly string[] }
  | {
      readonly op: 'update_settings';
      readonly supervisor: string;
      readonly path: string;
      readonly changed: readonly (keyof SupervisorSettings)[];
      readonly settings: SupervisorSettings;
    };

export type PlanOp = PlanStep['op'];

/** A restart whose only difference is `params`: a candidate for a live params update. */
export function isParamsOnly(step: PlanStep): boolean {
  return step.op === 'restart' && step.spec.kind === 'worker' && step.fields.length === 1 && step.fields[0] === 'params';
}

/** Structural equality of plain spec data (frozen objects, arrays, primitives); params by value. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => deepEqual(v, bs[i]));
  }
  // An undefined-valued key counts as absent: normalization may spell "no backoff" either way.
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const SETTINGS: readonly (keyof SupervisorSettings)[] = ['strategy', 'start', 'intensity', 'backoff', 'autoShutdown'];
/** Fields a parent reads of a nested supervisor: a change to one restarts it. */
const CHILD_SPEC_FIELDS = ['kind', 'id', 'restart', 'shutdown', 'readiness', 'significant'] as const;

/**
 * The steps turning `running` into `desired` (same root path), in apply order: every removal
 * (reverse start order, deepest supervisors first), then restarts, adds (desired order),
 * reorders and settings. Identical specs give `[]`. A worker whose spec is unchanged but whose
 * behaviour is in `changedLogic` (its `module:` file was edited) restarts, `fields: ['module']`.
 */
export function planChanges(running: SupervisorSpec, desired: SupervisorSpec, rootPath = 'root', changedLogic: ReadonlySet<string> = new Set()): PlanStep[] {
  const phases: Record<PlanOp, PlanStep[]> = { remove: [], restart: [], add: [], reorder: [], update_settings: [] };
  planSupervisor(rootPath, running, desired, phases, changedLogic);
  return [...phases.remove, ...phases.restart, ...phases.add, ...phases.reorder, ...phases.update_settings];
}

function planSupervisor(path: string, running: SupervisorSpec, desired: SupervisorSpec, out: Record<PlanOp, PlanStep[]>, changedLogic: ReadonlySet<string>): void {
  const before = new Map(running.children.map((c) => [c.id, c]));
  const after = new Map(desired.children.map((c) => [c.id, c]));
  const childPath = (id: string) => `${path}/${id}`;

  // Nested removals come before this level's: collected after recursing, so prepend ours last.
  const removals: PlanStep[] = [];
  for (const child of [...running.children].reverse()) {
    if (!after.has(child.id)) removals.push({ op: 'remove', supervisor: path, path: childPath(child.id), id: child.id });
  }

  desired.children.forEach((child, index) => {
    const old = before.get(child.id);
    if (old === undefined) {
      out.add.push({ op: 'add', supervisor: path, path: childPath(child.id), id: child.id, spec: child, index });
      return;
    }
    if (deepEqual(old, child)) {
      if (changedLogic.size === 0) return;
      if (child.kind === 'supervisor') planSupervisor(childPath(child.id), old as SupervisorSpec, child, out, changedLogic);
      else if (changedLogic.has(child.behaviour)) out.restart.push({ op: 'restart', supervisor: path, path: childPath(child.id), id: child.id, spec: child, fields: ['module'] });
      return;
    }
    if (old.kind === 'supervisor' && child.kind === 'supervisor' && CHILD_SPEC_FIELDS.every((f) => deepEqual(old[f], child[f]))) {
      planSupervisor(childPath(child.id), old, child, out, changedLogic); // its parent sees no change: reconcile inside it
      return;
    }
    const fields = differingFields(old, child);
    if (child.kind === 'worker' && changedLogic.has(child.behaviour)) fields.push('module'); // never a live params update then
    out.restart.push({ op: 'restart', supervisor: path, path: childPath(child.id), id: child.id, spec: child, fields });
  });
  out.remove.push(...removals);

  // Reordered: the children kept on both sides are not in the same relative order.
  const kept = running.children.filter((c) => after.has(c.id)).map((c) => c.id);
  const keptDesired = desired.children.filter((c) => before.has(c.id)).map((c) => c.id);
  if (!deepEqual(kept, keptDesired)) out.reorder.push({ op: 'reorder', supervisor: path, path, order: desired.children.map((c) => c.id) });

  const changed = SETTINGS.filter((k) => !deepEqual(running[k], desired[k]));
  if (changed.length > 0) {
    const settings: SupervisorSettings = {
      strategy: desired.strategy,
      start: desired.start,
      intensity: desired.intensity,
      ...(desired.backoff ? { backoff: desired.backoff } : {}),
      autoShutdown: desired.autoShutdown,
    };
    out.update_settings.push({ op: 'update_settings', supervisor: path, path, changed, settings });
  }
}

function differingFields(a: ChildSpec, b: ChildSpec): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !deepEqual((a as unknown as Record<string, unknown>)[k], (b as unknown as Record<string, unknown>)[k])).sort();
}
