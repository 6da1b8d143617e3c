/**
 * Every use of XState internals, in one module: what the runtime needs that XState's public
 * API does not give. Each has a test in test/actors/xstate-adapter.test.ts that fails loudly
 * when an XState upgrade changes it (checked on the range in package.json peerDependencies).
 */
import type { AnyActorLogic, AnyActorRef, EventObject } from 'xstate';

/**
 * Hands a message to a running actor. `actor.send` relays through the actor system, which
 * builds an inspection event nobody reads when no inspector is set, then calls the actor's
 * `_send` (the entry XState's own `sendTo` uses): calling `_send` directly took a supervised
 * fromCallback send from ~86 to ~72 ns. With an inspector (`inspected`) it uses `send`, so
 * the inspector sees every event; also if `_send` ever goes away.
 */
export function deliver(actor: AnyActorRef, event: EventObject, inspected = false): void {
  const internal = actor as unknown as { _send?: (event: EventObject) => void };
  if (internal._send !== undefined && !inspected) internal._send(event);
  else actor.send(event);
}

/** What the runtime reads of a machine's state nodes. */
export interface StateNodeLike {
  readonly tags?: readonly string[];
  readonly on?: Record<string, unknown>;
}

/** The state nodes of a machine (its `idMap`), or undefined for other logic. */
export function stateNodesOf(logic: AnyActorLogic): Iterable<StateNodeLike> | undefined {
  const idMap = (logic as { idMap?: Map<string, StateNodeLike> }).idMap;
  return idMap instanceof Map ? idMap.values() : undefined;
}

/** XState's stop event, the one a logic's stop transition answers. */
export const XSTATE_STOP = 'xstate.stop';

/**
 * Releases what a crashed actor holds. XState v5 stops an actor that errors without running
 * its stop transition: a fromCallback's cleanup never runs and a machine's invoked or spawned
 * children keep running (Actor._error only calls _stopProcedure). A supervisor that restarts
 * such an actor would leak timers, sockets and child actors on every crash.
 */
export function releaseAfterError(actor: AnyActorRef): void {
  const snapshot = actor.getSnapshot() as { children?: Record<string, AnyActorRef> };
  try {
    if (snapshot.children) {
      // A machine: stop its children the way its own stop transition would.
      for (const child of Object.values(snapshot.children)) (child as unknown as { _stop?: () => void })._stop?.();
    } else {
      // Other logic (fromCallback, fromObservable, …) disposes in its stop transition.
      const internals = actor as unknown as { _actorScope?: unknown; logic: { transition(s: unknown, e: unknown, scope: unknown): unknown } };
      internals.logic.transition(snapshot, { type: XSTATE_STOP }, internals._actorScope);
    }
  } catch {
    // Cleanup code that throws cannot make the crash worse; the actor is already gone.
  }
}

/**
 * A slot on the actor's XState system (one per root actor, shared by every actor it invokes
 * or spawns): how `runtimeOf(self)` finds the runtime from any of them. A registered symbol,
 * so two copies of this module in one process still agree.
 */
const RUNTIME_SLOT = Symbol.for('overseer.runtime');

export function setSystemSlot(actor: AnyActorRef, value: unknown): void {
  (actor.system as unknown as Record<symbol, unknown>)[RUNTIME_SLOT] = value;
}

export function systemSlotOf(actor: AnyActorRef): unknown {
  return (actor.system as unknown as Record<symbol, unknown> | undefined)?.[RUNTIME_SLOT];
}
