/**
 * The clock of a supervised actor: the one the runtime handed XState (`startSystem({ clock })`
 * in tests), so timestamps, requeues and resyncs follow injected time like `after:` delays do.
 */
import type { AnyActorRef } from 'xstate';
import type { Clock } from '../shared/clock.js';

export function clockOf(self: AnyActorRef): Clock {
  // XState's Actor keeps the clock it was created with (public `clock`); ours adds now().
  const clock = (self as unknown as { clock?: Partial<Clock> }).clock;
  if (clock?.setTimeout && clock.clearTimeout) {
    const { setTimeout, clearTimeout } = clock;
    return {
      now: clock.now ? () => clock.now!() : () => Date.now(),
      setTimeout: (fn, ms) => setTimeout.call(clock, fn, ms),
      clearTimeout: (handle) => clearTimeout.call(clock, handle),
    };
  }
  return { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
}
