/**
 * Time, injected. Everything in the runtime that waits or measures goes through a Clock so
 * tests can drive time (vitest fake timers or a hand-made clock) instead of sleeping.
 * The shape is a superset of XState's `Clock`, so one clock serves both.
 */

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch (only differences are used). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. It looks the globals up at call time (not at import time) so vitest's fake
 * timers, installed after import, still take effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // Runtime timers (backoff, deadlines) must never keep a stopped process alive on their own.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The real clock for users' actors (XState `after:` delays): their timers keep the process
 * alive exactly as under raw XState. Only the runtime's own timers are unref'd.
 */
export const actorClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
