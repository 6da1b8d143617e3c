/**
 * Pipeline stages for tests: a producer that outputs `count` items then an end marker and
 * completes, a relay that holds its mailbox (`busy`) while downstream is full, and a collector
 * that checks order, optionally serving each item for `serviceMs` (slower than its producer).
 */
import { assign, setup } from 'xstate';
import { runtimeOf } from '../../src/index.js';

type Item = { type: 'item'; n: number } | { type: 'end' };
type Drain = { type: 'overseer.drain' };

/**
 * Outputs items 0..count-1 as fast as its consumers take them, then `end`, then completes.
 * The output runs in a plain action (XState resolves `assign` while it builds the initial
 * state, before the actor is supervised); it reports its progress to itself.
 */
export const producer = setup({
  types: {} as {
    context: { count: number; next: number; ended: boolean };
    input: { count: number };
    events: Drain | { type: 'progress'; next: number; ended: boolean };
  },
  actions: {
    pump: ({ context, self }) => {
      const rt = runtimeOf(self);
      let { next, ended } = context;
      while (next < context.count && rt.output({ type: 'item', n: next })) next++;
      if (next === context.count && !ended) ended = rt.output({ type: 'end' });
      self.send({ type: 'progress', next, ended });
    },
  },
}).createMachine({
  context: ({ input }) => ({ count: input.count, next: 0, ended: false }),
  initial: 'producing',
  states: {
    producing: {
      entry: [({ self, context }) => runtimeOf(self).report(() => ({ sent: (self.getSnapshot().context as typeof context).next })), 'pump'],
      on: {
        'overseer.drain': { actions: 'pump' },
        progress: { actions: assign(({ event }) => ({ next: event.next, ended: event.ended })) },
      },
      always: { guard: ({ context }) => context.ended, target: 'done' },
    },
    done: { type: 'final' },
  },
});

/** Forwards what it gets; while its consumer is full it is `busy`, so its own mailbox holds (backpressure upstream). */
export const relay = setup({
  types: {} as { context: { pending: Item | undefined; ended: boolean }; events: Item | Drain },
  actions: {
    forward: assign(({ event, self }) => {
      const item = event as Item;
      return runtimeOf(self).output(item) ? { pending: undefined, ended: item.type === 'end' } : { pending: item, ended: false };
    }),
    retry: assign(({ context, self }) => {
      const item = context.pending!;
      return runtimeOf(self).output(item) ? { pending: undefined, ended: item.type === 'end' } : {};
    }),
  },
}).createMachine({
  context: { pending: undefined, ended: false },
  initial: 'open',
  states: {
    open: {
      on: { item: { actions: 'forward' }, end: { actions: 'forward' } },
      always: [
        { guard: ({ context }) => context.ended, target: 'done' },
        { guard: ({ context }) => context.pending !== undefined, target: 'blocked' },
      ],
    },
    blocked: {
      tags: ['busy'],
      on: { 'overseer.drain': { actions: 'retry' } },
      always: [
        { guard: ({ context }) => context.ended, target: 'done' },
        { guard: ({ context }) => context.pending === undefined, target: 'open' },
      ],
    },
    done: { type: 'final' },
  },
});

/** Counts items, notes any out of order, completes on `end`; `serviceMs` > 0 serves each item that long (`busy`). */
export const collector = setup({
  types: {} as {
    context: { received: number; expected: number; outOfOrder: number; serviceMs: number };
    input: { serviceMs?: number } | undefined;
    events: Item;
  },
  delays: { service: ({ context }) => context.serviceMs },
  actions: {
    take: assign(({ context, event }) => {
      const n = (event as { n: number }).n;
      return { received: context.received + 1, expected: n + 1, outOfOrder: context.outOfOrder + (n === context.expected ? 0 : 1) };
    }),
  },
  guards: { slow: ({ context }) => context.serviceMs > 0 },
}).createMachine({
  context: ({ input }) => ({ received: 0, expected: 0, outOfOrder: 0, serviceMs: input?.serviceMs ?? 0 }),
  entry: ({ self }) => runtimeOf(self).report(() => ({ ...(self.getSnapshot().context as object) })),
  initial: 'idle',
  states: {
    idle: { on: { item: [{ guard: 'slow', actions: 'take', target: 'serving' }, { actions: 'take' }], end: 'done' } },
    serving: { tags: ['busy'], after: { service: 'idle' } },
    done: { type: 'final' },
  },
});

export const pipelineBehaviours = { producer, relay, collector };
