/**
 * The page's copy of the supervision tree: built from GET /status, kept live by bus events
 * between fetches (a restart shows at once, a backoff counts down), and merged with each new
 * /status so that what an event said after a fetch was asked for is not undone by it.
 * No I/O and no DOM; `applyTreeEvent` updates the tree in place (a 10k-node copy per event
 * would cost more than the page can afford).
 */
import { field, type ActorStatus, type WireEvent, type WireExit, type WireMailbox, type WireNode } from './wire.js';

export interface NodeView {
  readonly id: string;
  readonly path: string;
  /** The parent's path; undefined for the root. */
  readonly parent: string | undefined;
  readonly type: 'supervisor' | 'worker';
  readonly behaviour: string | undefined;
  readonly strategy: string | undefined;
  status: ActorStatus;
  ready: boolean;
  readonly required: boolean;
  restarts: number;
  lastExit: WireExit | null;
  mailbox: WireMailbox | undefined;
  startedAt: string | null;
  instance: string | null;
  params: Readonly<Record<string, unknown>> | undefined;
  info: Readonly<Record<string, unknown>> | undefined;
  /** Children's paths, in start order. */
  children: string[];
  /** A supervisor cut by `?depth`: how many children it has (none are listed). */
  childCount: number | undefined;
  /** When a pending restart fires (page clock, ms), from `child_restarting`. */
  backoffUntilMs: number | undefined;
  /** The restart attempt announced by `child_restarting`. */
  attempt: number | undefined;
  /** A `child_restarting` was seen and its `child_started` not yet: that start counts as a restart. */
  pendingRestart: boolean;
  /** The reason of the last `subsystem_failed` (e.g. `readiness_timeout`), until it is ready again. */
  failReason: string | undefined;
  /** The stamp of the last event that changed this node (0: none since it was fetched). */
  eventStamp: number;
}

export interface Tree {
  readonly root: string | undefined;
  readonly nodes: Map<string, NodeView>;
  /** Bumps when nodes are added or removed (the visible rows must be recomputed). */
  structure: number;
  /** Bumps on every change (what is on screen must be repainted). */
  revision: number;
}

export function emptyTree(): Tree {
  return { root: undefined, nodes: new Map(), structure: 0, revision: 0 };
}

/** The tree of one GET /status answer. */
export function treeFromStatus(status: WireNode): Tree {
  const nodes = new Map<string, NodeView>();
  const stack: [WireNode, string | undefined][] = [[status, undefined]];
  while (stack.length > 0) {
    const [wire, parent] = stack.pop()!;
    nodes.set(wire.path, nodeOf(wire, parent));
    const children = wire.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, wire.path]);
  }
  return { root: status.path, nodes, structure: 1, revision: 1 };
}

function nodeOf(wire: WireNode, parent: string | undefined): NodeView {
  return {
    id: wire.id,
    path: wire.path,
    parent,
    type: wire.type,
    behaviour: wire.behaviour,
    strategy: wire.strategy,
    status: wire.status,
    ready: wire.ready,
    required: wire.required,
    restarts: wire.restarts,
    lastExit: wire.lastExit,
    mailbox: wire.mailbox,
    startedAt: wire.startedAt,
    instance: wire.instance,
    params: wire.params,
    info: wire.info,
    children: (wire.children ?? []).map((c) => c.path),
    childCount: wire.childCount,
    backoffUntilMs: undefined,
    attempt: undefined,
    pendingRestart: false,
    failReason: undefined,
    eventStamp: 0,
  };
}

/**
 * A fresh /status laid over the tree the page has. `issuedStamp` is the event stamp when the
 * fetch was asked for: a node an event changed after that keeps what the event said (the
 * answer may predate it) and takes only the figures no event carries (mailbox, report);
 * another fetch, which that event asked for, settles it. What only events know (a backoff's
 * deadline, a restart pending) is kept while the status still agrees with it.
 */
export function mergeStatus(old: Tree, status: WireNode, issuedStamp: number): Tree {
  const next = treeFromStatus(status);
  let structural = next.root !== old.root || next.nodes.size !== old.nodes.size;
  for (const [path, node] of next.nodes) {
    const before = old.nodes.get(path);
    if (before === undefined) {
      structural = true;
      continue;
    }
    if (before.eventStamp > issuedStamp) {
      const fresh = { mailbox: node.mailbox, info: node.info, children: node.children, childCount: node.childCount };
      Object.assign(node, before, fresh);
      if (fresh.children.join('\n') !== before.children.join('\n')) structural = true;
      continue;
    }
    if (node.status === 'backoff' && before.status === 'backoff') node.backoffUntilMs = before.backoffUntilMs;
    if (node.instance === before.instance && (node.status === 'backoff' || node.status === 'starting')) {
      node.pendingRestart = before.pendingRestart;
      node.attempt = before.attempt;
    }
    if (!node.ready && node.instance === before.instance) node.failReason = before.failReason;
    if (node.children.length !== before.children.length) structural = true;
  }
  next.structure = old.structure + (structural ? 1 : 0);
  next.revision = old.revision + 1;
  return next;
}

/** What an event did to the tree: `refetch` when only a new /status can tell the rest. */
export interface TreeChange {
  readonly changed: boolean;
  readonly refetch: boolean;
}

const NONE: TreeChange = { changed: false, refetch: false };
const CHANGED: TreeChange = { changed: true, refetch: true };

/** Event types whose effect on the tree needs a fresh /status to be complete. */
const STRUCTURAL = new Set(['config_applied', 'restart_intensity_exceeded', 'system_ready', 'system_degraded']);

/**
 * Applies one bus event to the tree in place. `nowMs` is the page's clock (a backoff's
 * deadline is counted from when the page heard of it, so clock skew with the server does not
 * matter); `stamp` increases with every event the page applies.
 */
export function applyTreeEvent(tree: Tree, event: WireEvent, nowMs: number, stamp: number): TreeChange {
  const data = event.data;
  const path = field<string>(data, 'path') ?? field<string>(data, 'system');
  if (STRUCTURAL.has(event.type)) return { changed: false, refetch: true };
  if (typeof path !== 'string') return NONE;
  const node = tree.nodes.get(path);
  if (node === undefined) {
    // A child the page has not seen (started at run time): only a new /status describes it.
    return event.type === 'child_started' || event.type === 'child_restarting' ? { changed: false, refetch: true } : NONE;
  }
  const touched = (): TreeChange => {
    node.eventStamp = stamp;
    tree.revision++;
    return CHANGED;
  };
  switch (event.type) {
    case 'child_started': {
      const instance = field<string>(data, 'instance') ?? null;
      if (node.pendingRestart && instance !== node.instance) node.restarts++;
      node.pendingRestart = false;
      node.backoffUntilMs = undefined;
      node.instance = instance;
      node.startedAt = event.time;
      node.status = node.type === 'supervisor' ? 'starting' : 'running';
      node.ready = false;
      return touched();
    }
    case 'child_exited': {
      const error = field<string>(data, 'error');
      node.lastExit = { reason: String(field(data, 'reason') ?? 'unknown'), ...(error === undefined ? {} : { error }), at: event.time };
      node.status = 'stopped';
      node.ready = false;
      return touched();
    }
    case 'child_restarting': {
      const delayMs = Number(field(data, 'delayMs') ?? 0);
      node.status = delayMs > 0 ? 'backoff' : 'starting';
      node.backoffUntilMs = delayMs > 0 ? nowMs + delayMs : undefined;
      node.attempt = Number(field(data, 'attempt') ?? 0) || undefined;
      node.pendingRestart = true;
      return touched();
    }
    case 'subsystem_ready':
      node.ready = true;
      node.failReason = undefined;
      if (node.status === 'running' || node.status === 'starting') node.status = 'ready';
      return touched();
    case 'subsystem_failed':
      node.ready = false;
      node.failReason = String(field(data, 'reason') ?? 'failed');
      return touched();
    case 'subsystem_stopping':
      node.status = 'stopping';
      node.ready = false;
      return touched();
    case 'child_deleted':
      removeSubtree(tree, node);
      return CHANGED;
    case 'messages_dropped': {
      const count = Number(field(data, 'count') ?? 0);
      if (node.mailbox) node.mailbox = { ...node.mailbox, dropped: node.mailbox.dropped + count };
      node.eventStamp = stamp;
      tree.revision++;
      return { changed: true, refetch: false };
    }
    case 'params_updated': {
      const changed = field<Record<string, unknown>>(data, 'changed') ?? {};
      const params: Record<string, unknown> = { ...node.params };
      for (const [k, v] of Object.entries(changed)) {
        if (v === null) delete params[k];
        else params[k] = v;
      }
      node.params = params;
      return touched();
    }
    default:
      return NONE;
  }
}

function removeSubtree(tree: Tree, node: NodeView): void {
  const stack = [node.path];
  while (stack.length > 0) {
    const n = tree.nodes.get(stack.pop()!);
    if (!n) continue;
    tree.nodes.delete(n.path);
    stack.push(...n.children);
  }
  const parent = node.parent === undefined ? undefined : tree.nodes.get(node.parent);
  if (parent) parent.children = parent.children.filter((c) => c !== node.path);
  tree.structure++;
  tree.revision++;
}

/** The nodes from the root down, depth first, in start order. */
export function* walkTree(tree: Tree, from = tree.root): Generator<NodeView> {
  if (from === undefined) return;
  const stack = [from];
  while (stack.length > 0) {
    const node = tree.nodes.get(stack.pop()!);
    if (!node) continue;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}
