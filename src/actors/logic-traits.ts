/**
 * What the runtime needs to know about a piece of actor logic, computed once per logic
 * object: is it a machine, does any state carry the `ready` tag, does it stop gracefully (a
 * machine handling the stop event, or any logic marked stopsBySignal). Cached so spawning
 * 100k actors of one behaviour inspects the machine once.
 */
import type { AnyActorLogic } from 'xstate';
import { stateNodesOf } from './xstate-adapter.js';

/** Sent to a logic that stops gracefully: a machine reaches a final state, a stopsBySignal logic emits `stopped`. */
export const STOP_EVENT = 'overseer.stop';
/** Sent to a pipeline producer whose `output` returned false, once the consumer has room (DESIGN §10). */
export const DRAIN_EVENT = 'overseer.drain';
export const READY_TAG = 'ready';
/** While a machine's snapshot has this tag, its mailbox holds messages instead of delivering them (a slow consumer's backpressure). */
export const BUSY_TAG = 'busy';
/** The emit by which a stopsBySignal logic says it has finished stopping. */
export const STOPPED_SIGNAL = 'stopped';

export interface LogicTraits {
  readonly isMachine: boolean;
  /** Some state node has the `ready` tag: readiness follows the tag. */
  readonly hasReadyTag: boolean;
  /** Some state node has the `busy` tag: the mailbox holds messages while the snapshot has it. */
  readonly hasBusyTag: boolean;
  /** Some state node handles `overseer.stop`: stopping waits for it to finish. */
  readonly handlesStop: boolean;
  /** Declared with readyBySignal: `auto` readiness waits for its `{ type: 'ready' }` emit. */
  readonly emitsReady: boolean;
  /** Declared with stopsBySignal: stopping sends `overseer.stop` and waits for its `{ type: 'stopped' }` emit. */
  readonly emitsStopped: boolean;
  /** Some state node handles `overseer.params`, or declared with handlesParams: params change live, without a restart. */
  readonly handlesParams: boolean;
}

// A registered symbol on the logic object, not a module-local set: the CLI runs a bundled copy
// of the runtime while user modules import `overseer` from node_modules; both must agree.
const SIGNALS_READY = Symbol.for('overseer.readyBySignal');
const SIGNALS_STOPPED = Symbol.for('overseer.stopsBySignal');
const HANDLES_PARAMS = Symbol.for('overseer.handlesParams');

/** Sent to a logic that handles params updates, instead of restarting it: `{ type, params, changed, previous }`. */
export const PARAMS_EVENT = 'overseer.params';

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

/**
 * Declares that `logic` stops gracefully: on stop it is sent `{ type: 'overseer.stop' }` and
 * is stopped once it emits `{ type: 'stopped' }` (requests finished, files closed), or
 * force-stopped at its `shutdown` deadline. Any logic, not only machines (`fromCallback`…).
 * @example
 * export const server = stopsBySignal(fromCallback(({ receive, emit }) => {
 *   receive((e) => { if (e.type === 'overseer.stop') void http.close().then(() => emit({ type: 'stopped' })); });
 * }));
 */
export function stopsBySignal<T extends AnyActorLogic>(logic: T): T {
  (logic as unknown as Record<symbol, boolean>)[SIGNALS_STOPPED] = true;
  cache.delete(logic);
  return logic;
}

/**
 * Declares that `logic` takes params updates while it runs: `system.updateParams` sends it
 * `{ type: 'overseer.params', params, changed, previous }` instead of restarting it with the
 * new input. Machines with an `overseer.params` transition need no declaration.
 * @example export const poller = handlesParams(fromCallback(({ receive }) => { receive((e) => { if (e.type === 'overseer.params') interval = e.params.everyMs; }); }));
 */
export function handlesParams<T extends AnyActorLogic>(logic: T): T {
  (logic as unknown as Record<symbol, boolean>)[HANDLES_PARAMS] = true;
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
  const marks = logic as unknown as Record<symbol, boolean | undefined>;
  const emitsReady = marks[SIGNALS_READY] === true;
  const emitsStopped = marks[SIGNALS_STOPPED] === true;
  const declaresParams = marks[HANDLES_PARAMS] === true;
  const nodes = stateNodesOf(logic);
  if (nodes === undefined) return { isMachine: false, hasReadyTag: false, hasBusyTag: false, handlesStop: false, emitsReady, emitsStopped, handlesParams: declaresParams };
  let hasReadyTag = false;
  let hasBusyTag = false;
  let handlesStop = false;
  let handlesParams = declaresParams;
  for (const node of nodes) {
    if (node.tags?.includes(READY_TAG)) hasReadyTag = true;
    if (node.tags?.includes(BUSY_TAG)) hasBusyTag = true;
    if (node.on && STOP_EVENT in node.on) handlesStop = true;
    if (node.on && PARAMS_EVENT in node.on) handlesParams = true;
  }
  return { isMachine: true, hasReadyTag, hasBusyTag, handlesStop, emitsReady, emitsStopped, handlesParams };
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
