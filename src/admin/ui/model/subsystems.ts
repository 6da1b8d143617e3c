/**
 * The subsystem views, each shown only when its actors are in the tree: the event store
 * (its actors' reports, the streams and the `$all` tail seen through `events_appended`),
 * resources (the `resources` actor and each `controller` with its kind and reconcile
 * outcomes) and workflows (the `workflows` actor and the `execution-{id}` streams). The page
 * cannot read the store itself: the gateway is another origin, outside the page's CSP, and
 * the admin endpoint has no store routes; what the bus says is what is shown.
 */
import type { NodeView, Tree } from './tree.js';
import { walkTree } from './tree.js';
import { field, type WireEvent } from './wire.js';

export const STORE_BEHAVIOURS = ['persistence', 'notification', 'store', 'cluster', 'gateway'] as const;

export interface EventStoreSection {
  /** The event-store actors under one parent, by behaviour. */
  readonly actors: readonly NodeView[];
  /** Where the gateway serves its HTTP API (its report's `url`), for links. */
  readonly gatewayUrl: string | undefined;
}

export interface Sections {
  readonly eventStore: EventStoreSection | undefined;
  readonly resources: { readonly stores: readonly NodeView[]; readonly controllers: readonly NodeView[] } | undefined;
  readonly workflows: { readonly actors: readonly NodeView[] } | undefined;
}

/** Which views the tree calls for. */
export function sectionsOf(tree: Tree): Sections {
  let store: NodeView | undefined;
  const resourceStores: NodeView[] = [];
  const controllers: NodeView[] = [];
  const workflows: NodeView[] = [];
  for (const node of walkTree(tree)) {
    if (node.behaviour === 'store' && store === undefined) store = node;
    else if (node.behaviour === 'resources') resourceStores.push(node);
    else if (node.behaviour === 'controller') controllers.push(node);
    else if (node.behaviour === 'workflows') workflows.push(node);
  }
  let eventStore: EventStoreSection | undefined;
  if (store) {
    const siblings = (tree.nodes.get(store.parent ?? '')?.children ?? [store.path]).map((p) => tree.nodes.get(p)).filter((n): n is NodeView => n !== undefined);
    const actors = STORE_BEHAVIOURS.map((b) => siblings.find((n) => n.behaviour === b)).filter((n): n is NodeView => n !== undefined);
    const url = actors.find((n) => n.behaviour === 'gateway')?.info?.url;
    eventStore = { actors, gatewayUrl: typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined };
  }
  return {
    eventStore,
    resources: resourceStores.length + controllers.length > 0 ? { stores: resourceStores, controllers } : undefined,
    workflows: workflows.length > 0 ? { actors: workflows } : undefined,
  };
}

export interface StreamView {
  readonly stream: string;
  /** Its version after the last append seen. */
  readonly version: number;
  readonly lastPosition: number;
  /** Events appended to it since the page started watching (ring replay included). */
  readonly appended: number;
  readonly lastTime: string;
}

export interface AppendView {
  readonly stream: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Global position of the last event of the append. */
  readonly position: number;
  readonly time: string;
}

export interface ReconcileView {
  readonly controller: string;
  readonly key: string;
  readonly result: string;
  readonly time: string;
  readonly detail: string;
  readonly count: number;
}

/** What the bus told the page about the store, resources and workflows. */
export interface Activity {
  readonly streams: Map<string, StreamView>;
  /** The latest appends in `$all` order, oldest first. */
  tail: AppendView[];
  readonly reconciles: Map<string, ReconcileView>;
  revision: number;
}

export const TAIL_LENGTH = 50;
export const STREAM_LIMIT = 5000;

export function emptyActivity(): Activity {
  return { streams: new Map(), tail: [], reconciles: new Map(), revision: 0 };
}

const RECONCILE = new Set(['reconcile_succeeded', 'reconcile_failed', 'reconcile_requeued']);

/** Folds one bus event; true when it changed something. */
export function applyActivityEvent(activity: Activity, event: WireEvent): boolean {
  const d = event.data;
  if (event.type === 'events_appended') {
    const stream = field<string>(d, 'stream');
    const from = Number(field(d, 'fromVersion'));
    const to = Number(field(d, 'toVersion'));
    const position = Number(field(d, 'position'));
    if (typeof stream !== 'string' || !Number.isFinite(to) || !Number.isFinite(position)) return false;
    const tail = activity.tail;
    // Events arrive in publish order, which is position order; an older one (a replay) goes in its place.
    let i = tail.length;
    while (i > 0 && tail[i - 1]!.position > position) i--;
    if (tail[i - 1]?.position === position) return false; // seen already
    const before = activity.streams.get(stream);
    if (before === undefined || position > before.lastPosition) {
      const count = Number.isFinite(from) ? to - from + 1 : 1;
      activity.streams.delete(stream); // re-inserted last: the map's order is "least recently appended first"
      activity.streams.set(stream, { stream, version: Math.max(to, before?.version ?? -1), lastPosition: position, appended: (before?.appended ?? 0) + count, lastTime: event.time });
      if (activity.streams.size > STREAM_LIMIT) activity.streams.delete(activity.streams.keys().next().value!);
    }
    tail.splice(i, 0, { stream, fromVersion: from, toVersion: to, position, time: event.time });
    if (tail.length > TAIL_LENGTH) tail.splice(0, tail.length - TAIL_LENGTH);
    activity.revision++;
    return true;
  }
  if (RECONCILE.has(event.type)) {
    const controller = String(field(d, 'controller') ?? event.source);
    const key = String(field(d, 'key') ?? '?');
    const id = `${controller}\n${key}`;
    const before = activity.reconciles.get(id);
    const error = field(d, 'error');
    const after = field(d, 'afterMs') ?? field(d, 'requeueAfterMs');
    const retryIn = field(d, 'delayMs');
    const detail = error !== undefined ? `${String(error)}${retryIn !== undefined ? ` (retry in ${String(retryIn)} ms)` : ''}` : after !== undefined ? `requeue after ${String(after)} ms` : '';
    activity.reconciles.set(id, { controller, key, result: event.type.replace('reconcile_', ''), time: event.time, detail, count: (before?.count ?? 0) + 1 });
    activity.revision++;
    return true;
  }
  return false;
}

/** Streams, most recently appended first, at most `limit`. */
export function recentStreams(activity: Activity, limit = 100, prefix = ''): StreamView[] {
  const out: StreamView[] = [];
  const all = [...activity.streams.values()];
  for (let i = all.length - 1; i >= 0 && out.length < limit; i--) if (all[i]!.stream.startsWith(prefix)) out.push(all[i]!);
  return out;
}

/** A workflow execution as its log stream shows it (`execution-{id}`). */
export interface ExecutionView {
  readonly id: string;
  readonly stream: string;
  /** Entries in its log (version + 1). */
  readonly entries: number;
  readonly lastTime: string;
}

export function executions(activity: Activity, limit = 100): ExecutionView[] {
  return recentStreams(activity, limit, 'execution-').map((s) => ({ id: s.stream.slice('execution-'.length), stream: s.stream, entries: s.version + 1, lastTime: s.lastTime }));
}

/** Reconcile outcomes of one controller, latest first. */
export function reconcilesOf(activity: Activity, controller: NodeView): ReconcileView[] {
  const names = new Set([controller.path, controller.id]);
  return [...activity.reconciles.values()].filter((r) => names.has(r.controller)).sort((a, b) => b.time.localeCompare(a.time));
}
