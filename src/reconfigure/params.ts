/**
 * Params at run time (DESIGN §10): the JSON merge patch (RFC 7396), the top-level diff that
 * `params_updated` and the history carry, and the check of a built-in's params against its
 * schema, with problems named by field as at load time. Pure: the System does the effects.
 */
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../shared/errors.js';
import type { SupervisorSpec, WorkerSpec } from '../spec/types.js';
import { deepEqual } from './plan.js';

export type Params = Record<string, unknown>;

/** Who changed params: the admin API (persisted, re-applied at start), the embedded API, or the config file. */
export type ParamsSource = 'api' | 'embedded' | 'file';

/** What system.updateParams() did. */
export interface ParamsUpdate {
  path: string;
  /** `live`: the actor handles `overseer.params` and kept its instance; `restarted`: it started again with the new input. */
  action: 'restarted' | 'live' | 'unchanged';
  /** New values of the top-level keys that differ (a deleted key: null). */
  changed: Params;
  /** Their values before (an absent key: null). */
  previous: Params;
  /** The params now in force. */
  params: Params;
}

const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * RFC 7396: `null` deletes a key, objects merge key by key, anything else (arrays included)
 * replaces. Returns a new object; `target` is not touched (specs are frozen).
 * @example mergePatch({ a: 1, b: { c: 2 } }, { a: null, b: { d: 3 } }) // { b: { c: 2, d: 3 } }
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Params = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Top-level keys whose values differ between `before` and `after`; an absent side is null. */
export function diffParams(before: Readonly<Params>, after: Readonly<Params>): { changed: Params; previous: Params } {
  const changed: Params = {};
  const previous: Params = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (deepEqual(before[key], after[key])) continue;
    changed[key] = key in after ? after[key] : null;
    previous[key] = key in before ? before[key] : null;
  }
  return { changed, previous };
}

/** Problems of `params` for a behaviour with a registered schema (the built-ins'); none for others. */
export function paramsProblems(behaviour: string, params: Params, schemas: ReadonlyMap<string, z.ZodType> | undefined, file = '<updateParams>'): ConfigProblem[] {
  const schema = schemas?.get(behaviour);
  if (!schema) return [];
  const checked = schema.safeParse(params);
  if (checked.success) return [];
  return checked.error.issues.map((issue) => ({
    file,
    line: 0,
    col: 0,
    path: ['params', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** A patch must be a JSON object (the admin API answers 400 otherwise). */
export function checkPatch(patch: unknown, file = '<updateParams>'): asserts patch is Params {
  if (!isObject(patch)) throw new ConfigError([{ file, line: 0, col: 0, path: 'params', message: 'a params patch must be a JSON object' }]);
}

/** Children by id of each (frozen) supervisor spec, built on first lookup: a lookup never scans 10k siblings. */
const childIndex = new WeakMap<SupervisorSpec, ReadonlyMap<string, SupervisorSpec['children'][number]>>();

function childOf(spec: SupervisorSpec, id: string): SupervisorSpec['children'][number] | undefined {
  let index = childIndex.get(spec);
  if (!index) childIndex.set(spec, (index = new Map(spec.children.map((c) => [c.id, c]))));
  return index.get(id);
}

/** The worker spec at `path` ("root/a/b") in a spec tree, as the config file says it. */
export function workerSpecAt(root: SupervisorSpec, path: string): WorkerSpec | undefined {
  const ids = path.split('/').slice(1);
  let node: SupervisorSpec | WorkerSpec = root;
  for (const id of ids) {
    if (node.kind !== 'supervisor') return undefined;
    const next = childOf(node, id);
    if (!next) return undefined;
    node = next;
  }
  return node.kind === 'worker' ? node : undefined;
}
