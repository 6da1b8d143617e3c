/**
 * Releasing what a crashed actor holds. XState v5 (checked on 5.33) stops an actor that
 * errors without running its stop transition: a fromCallback's cleanup never runs and a
 * machine's invoked or spawned children keep running (Actor._error only calls
 * _stopProcedure). A supervisor that restarts such an actor would leak timers, sockets and
 * child actors on every crash, so the cell runs the stop path itself.
 */
import type { AnyActorRef } from 'xstate';

const STOP = { type: 'xstate.stop' } as const;

export function releaseAfterError(actor: AnyActorRef): void {
  const snapshot = actor.getSnapshot() as { children?: Record<string, AnyActorRef> };
  try {
    if (snapshot.children) {
      // A machine: stop its children the way its own stop transition would.
      for (const child of Object.values(snapshot.children)) (child as unknown as { _stop?: () => void })._stop?.();
    } else {
      // Other logic (fromCallback, fromObservable, …) disposes in its stop transition.
      const internals = actor as unknown as { _actorScope?: unknown; logic: { transition(s: unknown, e: unknown, scope: unknown): unknown } };
      internals.logic.transition(snapshot, STOP, internals._actorScope);
    }
  } catch {
    // Cleanup code that throws cannot make the crash worse; the actor is already gone.
  }
}
