/**
 * Editing an actor's params on the page: the user edits the params as JSON text, and the page
 * sends PUT /actors/{path}/params the JSON merge patch (RFC 7386) from the params it showed to
 * the edited ones: changed keys with their new values, removed keys as null, nested objects
 * patched key by key. Mistakes are caught before anything is sent.
 */
import { isRecord } from './wire.js';

export type ParamsEdit = { readonly ok: true; readonly patch: Record<string, unknown> } | { readonly ok: false; readonly message: string };

/** The merge patch that turns `before` into `after` (objects only; arrays and scalars are replaced whole). */
export function mergePatchBetween(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (isRecord(value) && isRecord(old)) {
      const inner = mergePatchBetween(old, value);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (!Object.hasOwn(before, key) || !sameJson(old, value)) {
      patch[key] = value;
    }
  }
  return patch;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The text the editor starts with. */
export function paramsText(params: Readonly<Record<string, unknown>> | undefined): string {
  return JSON.stringify(params ?? {}, null, 2);
}

/** Checks the edited text against the params shown; the patch to send, or what is wrong. */
export function editParams(before: Readonly<Record<string, unknown>> | undefined, text: string): ParamsEdit {
  let after: unknown;
  try {
    after = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
  if (!isRecord(after)) return { ok: false, message: 'params must be a JSON object ({ "key": value, … })' };
  const nulls = nullPaths(after);
  if (nulls.length > 0) return { ok: false, message: `${nulls.join(', ')}: null cannot be set (in a merge patch null deletes a key); remove the key instead` };
  const patch = mergePatchBetween(before ?? {}, after);
  if (Object.keys(patch).length === 0) return { ok: false, message: 'nothing changed' };
  return { ok: true, patch };
}

function nullPaths(value: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === null) out.push(prefix + k);
    else if (isRecord(v)) out.push(...nullPaths(v, `${prefix}${k}.`));
  }
  return out;
}
