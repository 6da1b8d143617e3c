/**
 * Restart backoff (beyond OTP): the n-th consecutive restart of a child waits
 * min(maxMs, initialMs × factor^(n-1)), spread by ±jitter; a child that ran for
 * `resetAfterMs` starts the curve again. No backoff spec → no delay (OTP behaviour).
 */
import type { BackoffSpec } from '../spec/types.js';

/** The delay before restart number `attempt` (1-based), jitter from `random()` in [0, 1). */
export function backoffDelay(spec: BackoffSpec, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(spec.maxMs, spec.initialMs * spec.factor ** Math.max(0, attempt - 1));
  if (spec.jitter === 0) return Math.round(base);
  const spread = 1 + spec.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * spread));
}

/** Per-child consecutive-restart counter with the reset rule. */
export class BackoffState {
  attempt = 0;

  /** Call when the child exits; returns the attempt number (1-based) of the coming restart. */
  next(resetAfterMs: number, ranForMs: number): number {
    if (ranForMs >= resetAfterMs) this.attempt = 0;
    return ++this.attempt;
  }
}
