/**
 * What the `resources` actor does with each request, apart from the actor itself: reads come
 * from the projection, once it has folded in every write acknowledged before them; a write is
 * checked, planned (changes.ts), appended to the resource's stream with the stream version it
 * was planned against, and answered once stored. Writes to one resource run one at a time
 * (each planned against the last), different resources in parallel.
 */
import { WrongExpectedVersionError } from '../eventstore/errors.js';
import type { AppendResult, ExpectedVersion, NewEvent } from '../eventstore/model.js';
import { planCreate, planDelete, planStatus, planUpdate, type Change } from './changes.js';
import { InvalidResourceError, ResourceConflictError, ResourceNotFoundError } from './errors.js';
import { changeEvent } from './journal.js';
import { deepFreeze, mergePatch } from './json.js';
import type { KindTable, ServedKind } from './kinds.js';
import { keyOf, NAME_RULES, streamOf, type KindInfo, type Resource, type ResourceList } from './model.js';
import type { ResourceProjection } from './projection.js';
import type { ResourcesRequest } from './requests.js';
import { EVERYTHING, parseSelector } from './selector.js';
import { checkDesired, checkPatch, checkResourceVersion, checkStatus } from './validate.js';

export interface ServiceDeps {
  readonly kinds: KindTable;
  readonly projection: ResourceProjection;
  append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /** ISO 8601, from the injected clock. */
  now(): string;
  uid(): string;
}

type Named = { kind: string; namespace: string; name: string };

function checkNamed(namespace: unknown, name: unknown): void {
  const problems = [];
  if (typeof namespace !== 'string' || !NAME_RULES.namespace.pattern.test(namespace)) problems.push({ pointer: '/metadata/namespace', message: `${JSON.stringify(String(namespace).slice(0, 100))}: a namespace is ${NAME_RULES.namespace.text}` });
  if (typeof name !== 'string' || !NAME_RULES.name.pattern.test(name)) problems.push({ pointer: '/metadata/name', message: `${JSON.stringify(String(name).slice(0, 100))}: a name is ${NAME_RULES.name.text}` });
  if (problems.length > 0) throw new InvalidResourceError(problems);
}

export class ResourceService {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** The last position a write of ours was acknowledged at: reads wait for the projection to get there. */
  private acked = 0;

  constructor(private readonly deps: ServiceDeps) {}

  handle(request: ResourcesRequest): Promise<unknown> | unknown {
    switch (request.type) {
      case 'kinds':
        return { kinds: this.deps.kinds.all.map((k) => k.info) };
      case 'resolve':
        return this.deps.kinds.resolve(request.kind).info;
      case 'list':
        return this.afterAcked(() => this.list(request.kind, request.namespace, request.labelSelector));
      case 'get':
        return this.afterAcked(() => this.get(request));
      case 'create':
        return this.create(request.kind, request.object);
      case 'update':
        return this.update(request.kind, request.object, request.namespace, request.name);
      case 'patch':
        return this.patch(request, request.patch);
      case 'update_status':
        return this.status(request, () => checkStatus(request.object, this.deps.kinds.resolve(request.kind), request));
      case 'patch_status':
        return this.status(request, (current, served) => {
          if (!current) throw new ResourceNotFoundError(served.kind, keyOf(request.namespace, request.name));
          const patched = mergePatch(this.plain(current), checkPatch(request.patch));
          return checkStatus(patched, served, request);
        });
      case 'delete':
        return this.delete(request, request.resourceVersion);
    }
  }

  list(kindName: string, namespace: string | undefined, labelSelector: string | undefined): ResourceList & { kindInfo: KindInfo } {
    const served = this.deps.kinds.resolve(kindName);
    if (namespace !== undefined && (typeof namespace !== 'string' || !NAME_RULES.namespace.pattern.test(namespace))) {
      throw new InvalidResourceError([{ pointer: '/metadata/namespace', message: `${JSON.stringify(String(namespace).slice(0, 100))}: a namespace is ${NAME_RULES.namespace.text}` }]);
    }
    const selector = labelSelector === undefined || labelSelector === '' ? EVERYTHING : parseSelector(labelSelector);
    const { projection } = this.deps;
    return {
      apiVersion: served.apiVersion,
      kind: `${served.kind}List`,
      metadata: { resourceVersion: String(projection.cursor) },
      items: projection.list(served.kind, namespace, selector),
      kindInfo: served.info,
    };
  }

  private get(request: Named): Resource {
    const served = this.deps.kinds.resolve(request.kind);
    checkNamed(request.namespace, request.name);
    const object = this.deps.projection.get(served.kind, keyOf(request.namespace, request.name));
    if (!object) throw new ResourceNotFoundError(served.kind, keyOf(request.namespace, request.name));
    return object;
  }

  private create(kindName: string, body: unknown): Promise<Resource> {
    const served = this.deps.kinds.resolve(kindName);
    const desired = checkDesired(body, served, 'create');
    return this.write(served, desired, (current) => planCreate(served, desired, current, this.deps.now(), this.deps.uid()));
  }

  private update(kindName: string, body: unknown, namespace?: string, name?: string): Promise<Resource> {
    const served = this.deps.kinds.resolve(kindName);
    if (namespace !== undefined || name !== undefined) checkNamed(namespace, name);
    const at = namespace !== undefined && name !== undefined ? { namespace, name } : undefined;
    const desired = checkDesired(body, served, 'update', at);
    return this.write(served, desired, (current) => planUpdate(served, current, desired));
  }

  private patch(request: Named, patch: unknown): Promise<Resource> {
    const served = this.deps.kinds.resolve(request.kind);
    checkNamed(request.namespace, request.name);
    const body = checkPatch(patch);
    return this.write(served, request, (current) => {
      if (!current) throw new ResourceNotFoundError(served.kind, keyOf(request.namespace, request.name));
      // Applied to the object as it is now, then checked as a full update; status stays the subresource's.
      const { status: _, ...patched } = mergePatch(this.plain(current), body) as Record<string, unknown>;
      return planUpdate(served, current, checkDesired(patched, served, 'update', request));
    });
  }

  private status(request: Named, check: (current: Resource | undefined, served: ServedKind) => { status: Record<string, unknown>; resourceVersion?: string }): Promise<Resource> {
    const served = this.deps.kinds.resolve(request.kind);
    checkNamed(request.namespace, request.name);
    return this.write(served, request, (current) => {
      const { status, resourceVersion } = check(current, served);
      return planStatus(served, current, request, status, resourceVersion);
    });
  }

  private delete(request: Named, resourceVersion: unknown): Promise<Resource> {
    const served = this.deps.kinds.resolve(request.kind);
    checkNamed(request.namespace, request.name);
    const expected = checkResourceVersion(resourceVersion);
    return this.write(served, request, (current) => planDelete(served, current, request, expected, this.deps.now()));
  }

  /** Reads see every write acknowledged before them (read-your-writes), whoever wrote it through this actor. */
  private afterAcked<T>(read: () => T): T | Promise<T> {
    const { projection } = this.deps;
    return this.acked <= projection.cursor ? read() : projection.reached(this.acked).then(read);
  }

  /** A resource as plain (unfrozen) JSON, for a merge patch to apply to. */
  private plain(object: Resource): Record<string, unknown> {
    return JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  }

  /**
   * Plans against the current object and appends, one write per resource at a time. The
   * writer is answered once the append is acknowledged; the next write of that resource
   * waits for the projection to have folded this one in, so it plans against it.
   */
  private write(served: ServedKind, at: { namespace: string; name: string }, plan: (current: Resource | undefined) => Change): Promise<Resource> {
    const stream = streamOf(served.kind, at.namespace, at.name);
    const key = keyOf(at.namespace, at.name);
    const run = async (): Promise<{ object: Resource; folded?: Promise<void> }> => {
      const { projection } = this.deps;
      const current = projection.get(served.kind, key);
      const change = plan(current);
      if (change.type === 'unchanged') return { object: change.object };
      let result: AppendResult;
      try {
        result = await this.deps.append(stream, [changeEvent(change)], projection.streamVersion(stream));
      } catch (error) {
        // Another node wrote this resource since our projection saw it.
        if (error instanceof WrongExpectedVersionError) throw new ResourceConflictError(served.kind, key, current?.metadata.resourceVersion ?? '(none)', null);
        throw error;
      }
      this.acked = Math.max(this.acked, result.position);
      // Ours alone (validate.ts copied what the client sent): frozen in place, not copied again.
      deepFreeze(change.object);
      const object = Object.freeze({ ...change.object, metadata: Object.freeze({ ...change.object.metadata, resourceVersion: String(result.position) }) }) as Resource;
      return { object, folded: projection.reached(result.position) };
    };
    const previous = this.chains.get(stream) ?? Promise.resolve();
    const next = previous.then(run, run);
    const tail = next.then(
      (r) => r.folded,
      () => undefined,
    );
    this.chains.set(stream, tail);
    void tail.then(() => {
      if (this.chains.get(stream) === tail) this.chains.delete(stream);
    });
    return next.then((r) => r.object);
  }
}

