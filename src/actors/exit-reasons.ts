/**
 * The one table from XState outcomes to exit reasons, and from (restart type, reason) to
 * "restart or not". OTP semantics: permanent always restarts, transient only after an
 * abnormal exit (error), temporary never.
 */
import type { ExitReason } from '../events/catalogue.js';
import type { RestartType } from '../spec/types.js';

export type { ExitReason };

/** How an XState actor ended, as the cell observed it. */
export type ActorOutcome =
  /** The snapshot reached `done` (final state, resolved promise). */
  | 'done'
  /** The error observer fired. */
  | 'error'
  /** It stopped without being done: the supervisor stopped it, or someone called stop(). */
  | 'stopped';

const REASON_OF: { readonly [O in ActorOutcome]: ExitReason } = {
  done: 'normal',
  error: 'error',
  stopped: 'shutdown',
};

const RESTARTS: { readonly [R in RestartType]: { readonly [E in ExitReason]: boolean } } = {
  permanent: { normal: true, shutdown: true, error: true },
  transient: { normal: false, shutdown: false, error: true },
  temporary: { normal: false, shutdown: false, error: false },
};

export function exitReasonOf(outcome: ActorOutcome): ExitReason {
  return REASON_OF[outcome];
}

/** Whether a child that exited on its own (not stopped by its supervisor) is restarted. */
export function shouldRestart(restart: RestartType, reason: ExitReason): boolean {
  return RESTARTS[restart][reason];
}

/** The last exit of a child as kept on the restart path (the time is formatted only when shown). */
export interface ExitNote {
  readonly reason: ExitReason;
  readonly error?: string;
  /** ms since the epoch */
  readonly atMs: number;
}

/** The last exit of a child, as shown in /status. */
export interface ExitRecord {
  readonly reason: ExitReason;
  readonly error?: string;
  /** ISO 8601 */
  readonly at: string;
}
