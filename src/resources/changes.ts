/**
 * The versioning rules of DESIGN §12 as pure functions: given the current object (or none),
 * a checked request and the time, what is written. `generation` moves with the spec only
 * (and once when a deletion starts, as in Kubernetes); a stale `resourceVersion` is a
 * conflict; a deletion waits for finalizers; a write that changes nothing writes nothing.
 */
import { ResourceConflictError, ResourceExistsError, InvalidResourceError, ResourceNotFoundError } from './errors.js';
import { deepEqual } from './json.js';
import { keyOf, type Resource, type ResourceMetadata } from './model.js';
import type { Desired } from './validate.js';

/** A resource as its events carry it: everything but resourceVersion, which is the event's position. */
export type StoredObject = Omit<Resource, 'metadata'> & { readonly metadata: Omit<ResourceMetadata, 'resourceVersion'> };

export type Change =
  | { readonly type: 'unchanged'; readonly object: Resource }
  | { readonly type: 'created'; readonly object: StoredObject }
  | { readonly type: 'updated'; readonly object: StoredObject; readonly previousLabels?: Readonly<Record<string, string>> }
  | { readonly type: 'deleted'; readonly object: StoredObject };

export interface KindIdentity {
  readonly kind: string;
  readonly apiVersion: string;
}

export function stripVersion(object: Resource): StoredObject {
  const { resourceVersion: _, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function checkPrecondition(kind: string, current: Resource, expected: string | undefined): void {
  if (expected !== undefined && expected !== current.metadata.resourceVersion) {
    throw new ResourceConflictError(kind, keyOf(current.metadata.namespace, current.metadata.name), expected, current.metadata.resourceVersion);
  }
}

export function planCreate(id: KindIdentity, desired: Desired, current: Resource | undefined, now: string, uid: string): Change {
  if (current) throw new ResourceExistsError(id.kind, keyOf(desired.namespace, desired.name));
  return {
    type: 'created',
    object: {
      apiVersion: id.apiVersion,
      kind: id.kind,
      metadata: {
        namespace: desired.namespace,
        name: desired.name,
        uid,
        labels: desired.labels,
        annotations: desired.annotations,
        generation: 1,
        creationTimestamp: now,
        finalizers: desired.finalizers,
      },
      spec: desired.spec,
      status: {},
    },
  };
}

/** A full update (PUT, or a merge patch already applied): labels, annotations, finalizers and spec replaced; status kept. */
export function planUpdate(id: KindIdentity, current: Resource | undefined, desired: Desired): Change {
  const key = keyOf(desired.namespace, desired.name);
  if (!current) throw new ResourceNotFoundError(id.kind, key);
  checkPrecondition(id.kind, current, desired.resourceVersion);
  const m = current.metadata;
  if (desired.uid !== undefined && desired.uid !== m.uid) {
    throw new InvalidResourceError([{ pointer: '/metadata/uid', message: `"${desired.uid}" is not the uid of ${key} ("${m.uid}"): it was deleted and created again` }]);
  }
  if (m.deletionTimestamp !== undefined) {
    const added = desired.finalizers.filter((f) => !m.finalizers.includes(f));
    if (added.length > 0) throw new InvalidResourceError([{ pointer: '/metadata/finalizers', message: `${key} is being deleted: finalizers can be removed, not added (${added.join(', ')})` }]);
  }
  const specChanged = !deepEqual(current.spec, desired.spec);
  const labelsChanged = !deepEqual(m.labels, desired.labels);
  if (!specChanged && !labelsChanged && deepEqual(m.annotations, desired.annotations) && deepEqual(m.finalizers, desired.finalizers)) return { type: 'unchanged', object: current };
  const object: StoredObject = {
    ...stripVersion(current),
    metadata: {
      ...stripVersion(current).metadata,
      labels: desired.labels,
      annotations: desired.annotations,
      finalizers: desired.finalizers,
      generation: m.generation + (specChanged ? 1 : 0),
    },
    spec: desired.spec,
  };
  // The last finalizer removed from a resource being deleted: it is gone now.
  if (m.deletionTimestamp !== undefined && desired.finalizers.length === 0) return { type: 'deleted', object };
  return labelsChanged ? { type: 'updated', object, previousLabels: m.labels } : { type: 'updated', object };
}

/** A status write: status replaced, nothing else; generation unchanged. */
export function planStatus(id: KindIdentity, current: Resource | undefined, at: { namespace: string; name: string }, status: Record<string, unknown>, expected: string | undefined): Change {
  if (!current) throw new ResourceNotFoundError(id.kind, keyOf(at.namespace, at.name));
  checkPrecondition(id.kind, current, expected);
  if (deepEqual(current.status, status)) return { type: 'unchanged', object: current };
  return { type: 'updated', object: { ...stripVersion(current), status } };
}

/** A delete: at once without finalizers; otherwise deletionTimestamp is set and the finalizers' owners finish it. */
export function planDelete(id: KindIdentity, current: Resource | undefined, at: { namespace: string; name: string }, expected: string | undefined, now: string): Change {
  if (!current) throw new ResourceNotFoundError(id.kind, keyOf(at.namespace, at.name));
  checkPrecondition(id.kind, current, expected);
  const m = current.metadata;
  if (m.deletionTimestamp !== undefined) return { type: 'unchanged', object: current };
  const stored = stripVersion(current);
  if (m.finalizers.length === 0) return { type: 'deleted', object: { ...stored, metadata: { ...stored.metadata, deletionTimestamp: now } } };
  return { type: 'updated', object: { ...stored, metadata: { ...stored.metadata, deletionTimestamp: now, generation: m.generation + 1 } } };
}
