/**
 * Small XState behaviours for tests: a counter machine, a crash-on-command callback, a
 * machine that ignores stop, one that stops gracefully, readiness by tag and by emit.
 */
import { assign, emit, fromCallback, setup, type AnyActorLogic } from 'xstate';
import { readyBySignal } from '../../src/actors/logic-traits.js';

/** Counts `inc`; `crash` throws; `finish` completes normally; `get` replies with the count. */
export const counter = setup({
  types: {} as { context: { count: number }; events: { type: 'inc' } | { type: 'crash' } | { type: 'finish' } | { type: 'get'; replyTo: { send(e: unknown): void } } },
}).createMachine({
  context: { count: 0 },
  initial: 'running',
  states: {
    running: {
      on: {
        inc: { actions: assign({ count: ({ context }) => context.count + 1 }) },
        crash: {
          actions: () => {
            throw new Error('boom');
          },
        },
        finish: 'done',
        get: { actions: ({ context, event }) => event.replyTo.send({ type: 'count', count: context.count }) },
      },
    },
    done: { type: 'final' },
  },
});

/** A fromCallback worker: records what it receives into `input.log`; `crash` throws. */
export const recorder = fromCallback<{ type: string; n?: number }, { log?: unknown[] }>(({ receive, input }) => {
  receive((event) => {
    if (event.type === 'crash') throw new Error('recorder crashed');
    input.log?.push(event);
  });
});

/** Handles overseer.stop by going to `draining` and finishing only on `drained` (or never). */
export const slowStopper = setup({}).createMachine({
  initial: 'running',
  states: {
    running: { on: { 'overseer.stop': 'draining' } },
    draining: { on: { drained: 'done' } },
    done: { type: 'final' },
  },
});

/** Ready only after `warm` (tag-based readiness); `cool` drops readiness. */
export const warmup = setup({}).createMachine({
  initial: 'cold',
  states: {
    cold: { on: { warm: 'hot' } },
    hot: { tags: ['ready'], on: { cool: 'cold' } },
  },
});

/** Signals readiness by emitting `ready` when told to. */
export const emitter = setup({ types: {} as { emitted: { type: 'ready' } | { type: 'not_ready'; reason?: string } } }).createMachine({
  on: { go: { actions: emit({ type: 'ready' }) }, stop_ready: { actions: emit({ type: 'not_ready' }) }, degrade: { actions: emit({ type: 'not_ready', reason: 'disk full' }) } },
});

/** The same, declared with readyBySignal: `auto` readiness waits for the emit. */
export const declaredEmitter = readyBySignal(
  setup({ types: {} as { emitted: { type: 'ready' } } }).createMachine({ on: { go: { actions: emit({ type: 'ready' }) } } }),
);

/** Crashes during start (its initial entry throws). */
export const crashOnStart = setup({}).createMachine({
  entry: () => {
    throw new Error('cannot start');
  },
});

export const testBehaviours: Record<string, AnyActorLogic> = { counter, recorder, slowStopper, warmup, emitter, declaredEmitter, crashOnStart };
