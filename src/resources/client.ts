/**
 * The resources client: the operations of the HTTP API over asks to the `resources` actor,
 * and `watch()` as an async iterable over a store subscription. What controllers, the
 * gateway and embedders use.
 * @example
 * const api = resources(system);
 * await api.create('LabInstance', { metadata: { name: 'lab-1' }, spec: { image: 'ubuntu' } });
 * for await (const { type, object } of await api.watch('LabInstance')) console.log(type, object.metadata.name);
 */
import type { System } from '../system/system.js';
import { eventStoreClient } from '../eventstore/client.js';
import { call, type AskFn } from '../eventstore/protocol.js';
import { bookmark } from './journal.js';
import { InvalidResourceError } from './errors.js';
import { DEFAULT_NAMESPACE, NAME_RULES, type KindInfo, type Resource, type ResourceList, type WatchEvent } from './model.js';
import type { ResourcesRequest } from './requests.js';
import { EVERYTHING, parseSelector } from './selector.js';
import { checkResourceVersion } from './validate.js';
import { ResourceWatch } from './watch.js';

export interface ListOptions {
  /** Only this namespace; default: every namespace. */
  namespace?: string;
  /** A Kubernetes label selector (`env=prod,tier in (web,api)`). */
  labelSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** Resume after this resourceVersion (exactly what came after it, from the journal); without it the watch starts with the current resources as ADDED, then a BOOKMARK. */
  resourceVersion?: string;
  /** Events waiting unread before the subscription pauses (the rest waits in the store). */
  capacity?: number;
}

type Where = { namespace: string; name: string };
type Body = Record<string, unknown>;

export interface ResourcesClient {
  kinds(): Promise<KindInfo[]>;
  list(kind: string, options?: ListOptions): Promise<ResourceList>;
  get(kind: string, namespace: string, name: string): Promise<Resource>;
  /** `metadata.name` required; `metadata.namespace` defaults to `default`; status is ignored (it is the status subresource's). */
  create(kind: string, object: Body): Promise<Resource>;
  /** Replaces labels, annotations, finalizers and spec; `metadata.resourceVersion`, when given, must be the current one (else ResourceConflictError). */
  update(kind: string, object: Body): Promise<Resource>;
  /** An RFC 7386 merge patch of the resource (status excluded); a `metadata.resourceVersion` in it is a precondition. */
  patch(kind: string, namespace: string, name: string, patch: Body): Promise<Resource>;
  /** Replaces `status` only (the subresource); generation does not move. */
  updateStatus(kind: string, object: Body): Promise<Resource>;
  patchStatus(kind: string, namespace: string, name: string, patch: Body): Promise<Resource>;
  /** Deletes at once, or (with finalizers) sets deletionTimestamp and resolves with the resource still there. */
  delete(kind: string, namespace: string, name: string, options?: { resourceVersion?: string }): Promise<Resource>;
  watch(kind: string, options?: WatchOptions): Promise<ResourceWatch>;
}

export interface ResourcesPaths {
  resources: string;
  notification: string;
}

function whereOf(object: Body, at?: Where): Where {
  if (at) return at;
  const metadata = (object?.metadata ?? {}) as { namespace?: unknown; name?: unknown };
  return { namespace: (metadata.namespace as string | undefined) ?? DEFAULT_NAMESPACE, name: metadata.name as string };
}

/** The client over any ask function (a system's, or an actor's `runtimeOf(self).ask`). */
export function resourcesClient(ask: AskFn, paths: ResourcesPaths, timeoutMs = 5000): ResourcesClient & { replace(kind: string, at: Where, object: Body): Promise<Resource>; replaceStatus(kind: string, at: Where, object: Body): Promise<Resource> } {
  const send = <T>(request: ResourcesRequest) => call<T>(ask, paths.resources, request, timeoutMs);
  // Only its subscribe() is used (a watch is a store subscription), so only notification is named.
  const store = eventStoreClient(ask, { store: '', notification: paths.notification, cluster: '' }, timeoutMs);
  return {
    kinds: async () => (await send<{ kinds: KindInfo[] }>({ type: 'kinds' })).kinds,
    async list(kind, options = {}) {
      const { kindInfo: _, ...list } = await send<ResourceList & { kindInfo: KindInfo }>({ type: 'list', kind, ...options });
      return list;
    },
    get: (kind, namespace, name) => send({ type: 'get', kind, namespace, name }),
    create: (kind, object) => send({ type: 'create', kind, object }),
    update: (kind, object) => send({ type: 'update', kind, object, ...whereOf(object) }),
    replace: (kind, at, object) => send({ type: 'update', kind, object, ...at }),
    patch: (kind, namespace, name, patch) => send({ type: 'patch', kind, namespace, name, patch }),
    updateStatus: (kind, object) => send({ type: 'update_status', kind, object, ...whereOf(object) }),
    replaceStatus: (kind, at, object) => send({ type: 'update_status', kind, object, ...at }),
    patchStatus: (kind, namespace, name, patch) => send({ type: 'patch_status', kind, namespace, name, patch }),
    delete: (kind, namespace, name, options = {}) => send({ type: 'delete', kind, namespace, name, ...(options.resourceVersion !== undefined ? { resourceVersion: options.resourceVersion } : {}) }),
    async watch(kind, options = {}) {
      const selector = options.labelSelector ? parseSelector(options.labelSelector) : EVERYTHING;
      const resume = checkResourceVersion(options.resourceVersion);
      if (options.namespace !== undefined && !NAME_RULES.namespace.pattern.test(options.namespace)) {
        throw new InvalidResourceError([{ pointer: '/metadata/namespace', message: `${JSON.stringify(String(options.namespace).slice(0, 100))}: a namespace is ${NAME_RULES.namespace.text}` }]);
      }
      let from: number;
      let info: KindInfo;
      let initial: WatchEvent[] = [];
      if (resume !== undefined) {
        info = await send<KindInfo>({ type: 'resolve', kind });
        from = Number(resume);
      } else {
        // The list and its position come from one answer: watching from there misses nothing.
        const list = await send<ResourceList & { kindInfo: KindInfo }>({ type: 'list', kind, namespace: options.namespace, labelSelector: options.labelSelector });
        info = list.kindInfo;
        from = Number(list.metadata.resourceVersion);
        initial = [...list.items.map((object): WatchEvent => ({ type: 'ADDED', object })), bookmark(info.apiVersion, info.kind, from)];
      }
      const sink = await store.subscribe({ afterPosition: from, capacity: options.capacity });
      return new ResourceWatch(sink, { kind: info, namespace: options.namespace, selector }, from, initial);
    },
  };
}

/** The client for a running system whose `resources` and `notification` actors are children of `parent` (default `root`). */
export function resources(system: System, options: { parent?: string; resources?: string; timeoutMs?: number } = {}): ResourcesClient {
  const parent = options.parent ?? 'root';
  const ask: AskFn = (path, message, askOptions) => system.ask(path, message, askOptions);
  return resourcesClient(ask, { resources: `${parent}/${options.resources ?? 'resources'}`, notification: `${parent}/notification` }, options.timeoutMs);
}
