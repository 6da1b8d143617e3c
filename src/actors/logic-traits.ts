/**
 * What the runtime needs to know about a piece of actor logic, computed once per logic
 * object: is it a machine, does any state carry the `ready` tag, does it handle the graceful
 * stop event. Cached so spawning 100k actors of one behaviour inspects the machine once.
 */
import type { AnyActorLogic } from 'xstate';
import { stateNodesOf } from './xstate-adapter.js';

/** Sent to a machine that declares it, to ask for a graceful stop (reach a final state). */
export const STOP_EVENT = 'overseer.stop';
export const READY_TAG = 'ready';

export interface LogicTraits {
  readonly isMachine: boolean;
  /** Some state node has the `ready` tag: readiness follows the tag. */
  readonly hasReadyTag: boolean;
  /** Some state node handles `overseer.stop`: stopping waits for it to finish. */
  readonly handlesStop: boolean;
  /** Declared with readyBySignal: `auto` readiness waits for its `{ type: 'ready' }` emit. */
  readonly emitsReady: boolean;
}

// A registered symbol on the logic object, not a module-local set: the CLI runs a bundled copy
// of the runtime while user modules import `overseer` from node_modules; both must agree.
const SIGNALS_READY = Symbol.for('overseer.readyBySignal');

/**
 * Declares that `logic` emits `{ type: 'ready' }` once it can serve (a listener bound, a
 * database open), so the default `auto` readiness waits for that instead of the start.
 * @example export const gateway = readyBySignal(fromCallback(({ emit }) => { …; emit({ type: 'ready' }); }));
 */
export function readyBySignal<T extends AnyActorLogic>(logic: T): T {
  (logic as unknown as Record<symbol, boolean>)[SIGNALS_READY] = true;
  cache.delete(logic);
  return logic;
}

const cache = new WeakMap<object, LogicTraits>();

export function traitsOf(logic: AnyActorLogic): LogicTraits {
  let traits = cache.get(logic);
  if (!traits) {
    traits = inspect(logic);
    cache.set(logic, traits);
  }
  return traits;
}

function inspect(logic: AnyActorLogic): LogicTraits {
  const emitsReady = (logic as unknown as Record<symbol, boolean | undefined>)[SIGNALS_READY] === true;
  const nodes = stateNodesOf(logic);
  if (nodes === undefined) return { isMachine: false, hasReadyTag: false, handlesStop: false, emitsReady };
  let hasReadyTag = false;
  let handlesStop = false;
  for (const node of nodes) {
    if (node.tags?.includes(READY_TAG)) hasReadyTag = true;
    if (node.on && STOP_EVENT in node.on) handlesStop = true;
  }
  return { isMachine: true, hasReadyTag, handlesStop, emitsReady };
}

/** Duck-typed check for XState actor logic (what `module:` exports and registrations must be). */
export function isActorLogic(value: unknown): value is AnyActorLogic {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { transition?: unknown }).transition === 'function' &&
    typeof (value as { getInitialSnapshot?: unknown }).getInitialSnapshot === 'function'
  );
}
