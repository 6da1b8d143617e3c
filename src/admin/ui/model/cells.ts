/**
 * What each column of a tree row says about one node: the status and its colour class,
 * readiness, restarts, the mailbox (and whether it fills or drops), the last exit and a
 * backoff countdown. Text only; the page puts it into cells.
 */
import type { NodeView } from './tree.js';
import type { ActorStatus } from './wire.js';

/** The colour class of each status (observer.css): green ready, blue running, amber on the way, red failed. */
export const STATUS_CLASS: { readonly [S in ActorStatus]: string } = {
  ready: 's-ready',
  running: 's-running',
  starting: 's-starting',
  backoff: 's-backoff',
  stopping: 's-stopping',
  stopped: 's-stopped',
  failed: 's-failed',
  completed: 's-completed',
  standby: 's-stopped', // waits for leadership: grey, like a stopped child
};

export interface Cells {
  readonly statusClass: string;
  readonly status: string;
  readonly ready: string;
  readonly restarts: string;
  readonly mailbox: string;
  /** '' | 'mb-busy' (at least 80% full) | 'mb-drops' (dropped messages) */
  readonly mailboxClass: string;
  readonly lastExit: string;
  /** An error exit is worth a colour. */
  readonly lastExitClass: string;
  readonly backoff: string;
}

export function cellsOf(node: NodeView, nowMs: number): Cells {
  const mb = node.mailbox;
  const mailboxClass = !mb ? '' : mb.dropped > 0 ? 'mb-drops' : mb.capacity > 0 && mb.depth >= 0.8 * mb.capacity ? 'mb-busy' : '';
  return {
    statusClass: STATUS_CLASS[node.status] ?? 's-stopped',
    status: node.status,
    ready: node.ready ? 'yes' : 'no',
    restarts: String(node.restarts),
    mailbox: mb ? `${mb.depth}/${mb.capacity}${mb.dropped > 0 ? ` · ${mb.dropped} dropped` : ''}` : '',
    mailboxClass,
    lastExit: exitText(node),
    lastExitClass: node.lastExit?.reason === 'error' ? 'exit-error' : '',
    backoff: backoffText(node, nowMs),
  };
}

function exitText(node: NodeView): string {
  const exit = node.lastExit;
  if (!exit) return node.failReason ? `not ready: ${node.failReason}` : '';
  return `${exit.reason}${exit.error ? `: ${exit.error}` : ''} at ${timeOfDay(exit.at)}`;
}

/** "restart in 1.2 s" while a restart is pending; '' otherwise. */
export function backoffText(node: NodeView, nowMs: number): string {
  if (node.status !== 'backoff') return '';
  if (node.backoffUntilMs === undefined) return 'waiting to restart';
  const left = Math.max(0, node.backoffUntilMs - nowMs);
  return `restart in ${seconds(left)}${node.attempt ? ` (attempt ${node.attempt})` : ''}`;
}

/** 1234 → "1.2 s", 45 → "0.0 s", 125000 → "125 s". */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 100 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}

/** An ISO time as the page's local HH:MM:SS; anything unparsable is shown as it came. */
export function timeOfDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
