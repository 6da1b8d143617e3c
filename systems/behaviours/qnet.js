// The qnet demo (systems/qnet.yaml): a number generator → a single-server FIFO queue → a sink,
// linked by `inputs:`, each a machine that completes when the run ends. Times are simulated
// (seconds on the packets' own clock), so a run is exact and repeatable with deterministic: true.
import { assign, setup } from 'xstate';
import { runtimeOf } from 'overseer';

const TICK_MS = 10;

const numbersParams = (p = {}) => ({ count: p.count ?? 1000, rate: p.rate ?? 1000, deterministic: p.deterministic ?? true });

/**
 * Emits `count` packets `{ num, time }` at `rate` per second (time: simulated arrival, with
 * exponential gaps unless deterministic), then `{ type: 'end', count }`, then completes.
 * Reads count, rate and deterministic live; a packet its consumer cannot take waits for
 * `overseer.drain`, so none is lost.
 */
export const numbers = setup({
  actions: {
    pump: ({ context, self }) => {
      const rt = runtimeOf(self);
      const { count, rate, deterministic } = context.params;
      const due = Math.min(count, Math.floor((context.ticks * TICK_MS * rate) / 1000));
      let { sent, clock, pending, ended } = context;
      while (sent < due) {
        const packet = pending ?? { type: 'packet', num: sent, time: clock + (deterministic ? 1 / rate : -Math.log(1 - Math.random()) / rate) };
        if (!rt.output(packet)) {
          pending = packet;
          break;
        }
        clock = packet.time;
        sent += 1;
        pending = undefined;
      }
      if (sent >= count && !ended) ended = rt.output({ type: 'end', count: sent });
      self.send({ type: 'progress', sent, clock, pending, ended });
    },
  },
  delays: { tick: TICK_MS },
}).createMachine({
  context: ({ input }) => ({ params: numbersParams(input), ticks: 0, sent: 0, clock: 0, pending: undefined, ended: false }),
  entry: ({ self }) => runtimeOf(self).report(() => ({ sent: self.getSnapshot().context.sent })),
  initial: 'producing',
  states: {
    producing: {
      entry: [assign({ ticks: ({ context }) => context.ticks + 1 }), 'pump'],
      after: { tick: { target: 'producing', reenter: true } },
      on: {
        'overseer.drain': { actions: 'pump' },
        'overseer.params': { actions: assign({ params: ({ event }) => numbersParams(event.params) }) },
        progress: { actions: assign(({ event }) => ({ sent: event.sent, clock: event.clock, pending: event.pending, ended: event.ended })) },
      },
      always: { guard: ({ context }) => context.ended, target: 'done' },
    },
    done: { type: 'final' },
  },
});

/**
 * A single-server FIFO queue: each packet is served for `serviceTime` simulated seconds, in
 * arrival order, and passed on with its departure time and wait. While the sink cannot take
 * a packet the queue is `busy`: its mailbox holds what arrives (backpressure upstream).
 */
export const queue = setup({
  actions: {
    flush: ({ context, self }) => {
      if (runtimeOf(self).output(context.outbox)) self.send({ type: 'flushed' });
    },
  },
}).createMachine({
  context: ({ input }) => ({ serviceTime: input?.serviceTime ?? 0.0008, lastDeparture: 0, processed: 0, totalWait: 0, outbox: undefined }),
  entry: ({ self }) =>
    runtimeOf(self).report(() => {
      const c = self.getSnapshot().context;
      return { processed: c.processed, averageWaitTime: c.processed === 0 ? 0 : c.totalWait / c.processed };
    }),
  initial: 'open',
  states: {
    open: {
      on: {
        packet: {
          target: 'sending',
          actions: assign(({ context, event }) => {
            const start = Math.max(event.time, context.lastDeparture);
            const departure = start + context.serviceTime;
            const wait = start - event.time;
            return { lastDeparture: departure, processed: context.processed + 1, totalWait: context.totalWait + wait, outbox: { type: 'packet', num: event.num, time: departure, wait } };
          }),
        },
        end: { target: 'sending', actions: assign({ outbox: ({ event }) => event }) },
      },
    },
    sending: {
      tags: ['busy'],
      entry: 'flush',
      on: {
        'overseer.drain': { actions: 'flush' },
        flushed: [{ guard: ({ context }) => context.outbox.type === 'end', target: 'done' }, { target: 'open', actions: assign({ outbox: undefined }) }],
      },
    },
    done: { type: 'final' },
  },
});

/** Counts what arrives (and whether in order) until the end marker, then completes. */
export const sink = setup({}).createMachine({
  context: { received: 0, outOfOrder: 0, next: 0, totalWait: 0 },
  entry: ({ self }) =>
    runtimeOf(self).report(() => {
      const c = self.getSnapshot().context;
      return { received: c.received, outOfOrder: c.outOfOrder, averageWaitTime: c.received === 0 ? 0 : c.totalWait / c.received };
    }),
  initial: 'receiving',
  states: {
    receiving: {
      on: {
        packet: {
          actions: assign(({ context, event }) => ({
            received: context.received + 1,
            outOfOrder: context.outOfOrder + (event.num === context.next ? 0 : 1),
            next: event.num + 1,
            totalWait: context.totalWait + (event.wait ?? 0),
          })),
        },
        end: 'done',
      },
    },
    done: { type: 'final' },
  },
});
