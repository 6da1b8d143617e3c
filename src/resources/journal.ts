/**
 * How resources live in the event store: one stream per resource, one event per change
 * (`resource_created`, `resource_updated`, `resource_deleted`), each carrying the whole
 * object. Reading an event back gives the object with `resourceVersion` = its global
 * position; a watch turns those into ADDED / MODIFIED / DELETED for its kind and selector.
 */
import type { NewEvent, StoredEvent } from '../eventstore/model.js';
import type { Change, StoredObject } from './changes.js';
import { deepFreeze, isPlainObject } from './json.js';
import { keyOf, parseStream, type Resource, type WatchEvent } from './model.js';
import type { Selector } from './selector.js';

export const RESOURCE_EVENTS = { created: 'resource_created', updated: 'resource_updated', deleted: 'resource_deleted' } as const;
type ChangeType = keyof typeof RESOURCE_EVENTS;
const CHANGE_OF: Record<string, ChangeType> = { resource_created: 'created', resource_updated: 'updated', resource_deleted: 'deleted' };

/** The event that records `change` (never `unchanged`). */
export function changeEvent(change: Exclude<Change, { type: 'unchanged' }>): NewEvent {
  const data = change.type === 'updated' && change.previousLabels ? { object: change.object, previousLabels: change.previousLabels } : { object: change.object };
  return { type: RESOURCE_EVENTS[change.type], data };
}

/** A resource change read back from the journal. */
export interface StoredChange {
  readonly type: ChangeType;
  readonly kind: string;
  readonly key: string;
  /** The object after the change (the last state, for a deletion), resourceVersion filled in. */
  readonly object: Resource;
  readonly previousLabels?: Readonly<Record<string, string>>;
  /** The position in `$all`: the resourceVersion, as a number. */
  readonly position: number;
  /** The event's version in the resource's stream (the next write's expectedVersion). */
  readonly streamVersion: number;
}

/**
 * The resource change an event records, or undefined for any other event (or one that does not
 * read as a resource). `freeze`: what the projection keeps and hands to many readers is frozen;
 * a watch's copy (parsed for it alone) is its own.
 */
export function decodeChange(event: StoredEvent, freeze = true): StoredChange | undefined {
  const type = CHANGE_OF[event.type];
  if (type === undefined) return undefined;
  const where = parseStream(event.stream);
  const data = event.data as { object?: StoredObject; previousLabels?: Record<string, string> } | null;
  if (!where || !isPlainObject(data) || !isPlainObject(data.object) || !isPlainObject(data.object.metadata)) return undefined;
  const stored = data.object;
  const fresh = { ...stored, metadata: { ...stored.metadata, resourceVersion: String(event.position) } } as Resource;
  const object = freeze ? deepFreeze(fresh) : fresh;
  return {
    type,
    kind: where.kind,
    key: keyOf(where.namespace, where.name),
    object,
    ...(isPlainObject(data.previousLabels) ? { previousLabels: data.previousLabels } : {}),
    position: event.position,
    streamVersion: event.version,
  };
}

/** What a watch of `kind` (in `namespace`, when given) matching `selector` sees of a change; undefined: nothing. */
export function watchEventOf(change: StoredChange, kind: string, namespace: string | undefined, selector: Selector): WatchEvent | undefined {
  if (change.kind !== kind) return undefined;
  const { object } = change;
  if (namespace !== undefined && object.metadata.namespace !== namespace) return undefined;
  const now = selector.matches(object.metadata.labels);
  if (change.type === 'created') return now ? { type: 'ADDED', object } : undefined;
  if (change.type === 'deleted') return now ? { type: 'DELETED', object } : undefined;
  // A label change moves a resource into or out of a selection: the watch sees it arrive or leave.
  const before = change.previousLabels ? selector.matches(change.previousLabels) : now;
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}

/** A BOOKMARK: no change, only where to resume from. */
export function bookmark(apiVersion: string, kind: string, position: number): WatchEvent {
  return { type: 'BOOKMARK', object: { apiVersion, kind, metadata: { resourceVersion: String(position) } } as Resource };
}
