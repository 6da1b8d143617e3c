/**
 * The tree as data, for `system.status()`, GET /status and `overseer status`: one node per
 * supervisor and worker with status, readiness, restarts, last exit and mailbox figures.
 * An optional depth cuts the tree: nothing below the cut is visited.
 */
import type { ExitNote, ExitRecord } from '../actors/exit-reasons.js';
import type { ActorStatus } from '../actors/cell.js';
import type { Child } from '../supervisor/services.js';
import type { Supervisor } from '../supervisor/supervisor.js';

export interface StatusNode {
  id: string;
  path: string;
  type: 'supervisor' | 'worker';
  behaviour?: string;
  strategy?: string;
  status: ActorStatus;
  ready: boolean;
  required: boolean;
  restarts: number;
  lastExit: ExitRecord | null;
  mailbox?: { depth: number; capacity: number; dropped: number };
  startedAt: string | null;
  instance: string | null;
  params?: Readonly<Record<string, unknown>>;
  /** Figures the actor reports about itself (e.g. the journal head, subscriptions and lag). */
  info?: Record<string, unknown>;
  children?: StatusNode[];
  /** On a supervisor at a depth cut, instead of `children`: how many direct children it has. */
  childCount?: number;
}

/**
 * `node` and what is below it, `depth` levels deep (undefined = all): a supervisor at the
 * cut has `childCount` and no `children`, and its children are never described.
 */
export function describeTree(node: Child, depth?: number): StatusNode {
  const common = {
    id: node.id,
    path: node.path,
    status: node.status,
    ready: node.ready,
    required: node.spec.readiness.required,
    restarts: node.restarts,
    lastExit: exitRecord(node.lastExit),
    startedAt: node.startedAt === undefined ? null : new Date(node.startedAt).toISOString(),
    instance: node.instance ?? null,
  };
  if (node.kind === 'worker') {
    const worker: StatusNode = { ...common, type: 'worker', behaviour: node.spec.behaviour, mailbox: node.mailboxStats, params: node.spec.params };
    // A completed worker keeps the figures it last reported: its result.
    const info = node.running || node.status === 'completed' ? node.report() : undefined;
    if (info) worker.info = info;
    return worker;
  }
  const children = (node as Supervisor).list();
  const supervisor: StatusNode = { ...common, type: 'supervisor', strategy: node.spec.strategy };
  if (depth !== undefined && depth <= 0) supervisor.childCount = children.length;
  else supervisor.children = children.map((child) => describeTree(child, depth === undefined ? undefined : depth - 1));
  return supervisor;
}

function exitRecord(note: ExitNote | undefined): ExitRecord | null {
  if (note === undefined) return null;
  const at = new Date(note.atMs).toISOString();
  return note.error === undefined ? { reason: note.reason, at } : { reason: note.reason, error: note.error, at };
}
