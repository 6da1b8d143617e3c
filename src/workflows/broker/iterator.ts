/**
 * An iterator step's elements, computed once when the step starts (and recorded in its
 * step_started, so a later decision never evaluates them again): the collection, then
 * `where`, `orderBy` (a stable sort), `limit`, `chunk`. And how many more elements may start
 * now: one at a time in order (sequential) or up to `concurrency` in flight (async).
 */
import { truthy } from '../expressions.js';
import type { IteratorSpec } from '../playbook/types.js';
import type { StepRun } from './state.js';

export interface ElementFailure {
  readonly field: 'iterator.where';
  readonly index: number;
  readonly expression: string;
  readonly error: string;
}

/** `with`/`where`/`orderBy` see the element under its name, and `index`. */
export const elementContext = (context: object, spec: IteratorSpec, item: unknown, index: number): object => ({ ...context, [spec.element]: item, index });

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1; // nothing sorts last
  if (b === undefined || b === null) return -1;
  const [x, y] = [typeof a === 'string' ? a : JSON.stringify(a), typeof b === 'string' ? b : JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The elements; a `where` that fails to evaluate drops its element and is reported. A failing
 * collection or orderBy rejects (ExpressionError): the step cannot know what to iterate.
 */
export async function prepareElements(spec: IteratorSpec, context: object): Promise<{ elements: unknown[]; failures: ElementFailure[] }> {
  const value = await spec.collection.evaluate(context);
  let items: unknown[] = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const failures: ElementFailure[] = [];
  if (spec.where) {
    const where = spec.where;
    const keep = await Promise.all(
      items.map((item, index) =>
        where.evaluate(elementContext(context, spec, item, index)).then(truthy, (error: unknown) => {
          failures.push({ field: 'iterator.where', index, expression: where.source, error: (error as Error).message });
          return false;
        }),
      ),
    );
    items = items.filter((_, i) => keep[i]);
  }
  if (spec.orderBy) {
    const { by, order } = spec.orderBy;
    const keys = await Promise.all(items.map((item, index) => by.evaluate(elementContext(context, spec, item, index))));
    const sign = order === 'desc' ? -1 : 1;
    items = items.map((item, i) => ({ item, key: keys[i], i })).sort((a, b) => sign * compare(a.key, b.key) || a.i - b.i).map((x) => x.item);
  }
  if (spec.limit !== undefined) items = items.slice(0, spec.limit);
  if (spec.chunk !== undefined) {
    const size = spec.chunk;
    items = Array.from({ length: Math.ceil(items.length / size) }, (_, c) => items.slice(c * size, c * size + size));
  }
  failures.sort((a, b) => a.index - b.index);
  return { elements: items, failures };
}

/** Indexes of the elements that may start now, given what has started and what is still in flight. */
export function startable(spec: IteratorSpec, run: StepRun): number[] {
  const total = run.elements?.length ?? 0;
  const started = run.actions.length;
  if (started >= total) return [];
  let inFlight = 0;
  for (const slot of run.actions) if (slot && slot.status !== 'completed') inFlight++;
  const room = (spec.mode === 'async' ? spec.concurrency : 1) - inFlight;
  return Array.from({ length: Math.max(0, Math.min(room, total - started)) }, (_, i) => started + i);
}
