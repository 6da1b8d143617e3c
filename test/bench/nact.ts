/**
 * nact 7 baselines: the same workloads as Overseer's, on nact's stateful actors (a
 * setImmediate turn per message, promise-based queries). Each helper runs a fresh nact system
 * and stops it afterwards, so runs do not share state.
 */
import { dispatch, query, spawn, start, stop } from 'nact';
import { perOp, type Measurement } from './harness.js';
import { gc } from './fixtures.js';
import { until } from './harness.js';

type Msg = { type: string; replyTo?: unknown };

/** ns per message: one sender dispatches `count` messages to one counting actor, until all are processed. */
export async function nactThroughput(count: number): Promise<Measurement> {
  const system = start();
  let seen = 0;
  const counter = spawn(system, (state: number) => ((seen++, state + 1)), 'counter', { initialState: 0 });
  const msg = { type: 'inc' };
  const measured = await perOp(count, async () => {
    for (let i = 0; i < count; i++) dispatch(counter, msg);
    await until(() => seen === count);
  });
  stop(system);
  return measured;
}

/** ns per round trip: `query` (nact's ask) to an actor that answers at once. */
export async function nactRoundTrip(count: number): Promise<Measurement> {
  const system = start();
  const ponger = spawn(system, (state: number, msg: Msg) => (dispatch(msg.replyTo as never, { type: 'pong' }), state), 'ponger', { initialState: 0 });
  const measured = await perOp(count, async () => {
    for (let i = 0; i < count; i++) await query(ponger, (replyTo) => ({ type: 'ping', replyTo }), 5000);
  });
  stop(system);
  return measured;
}

/** ns per actor spawned, or bytes per idle actor (heap growth across the spawn). */
export async function nactSpawn(count: number, measure: 'time' | 'memory'): Promise<Measurement> {
  const system = start();
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const refs = [];
  for (let i = 0; i < count; i++) refs.push(spawn(system, (state: number) => state + 1, `a${i}`, { initialState: 0 }));
  const ns = Number(process.hrtime.bigint() - t0);
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / count;
  stop(system);
  return measure === 'time' ? { value: ns / count, unit: 'ns' } : { value: bytes, unit: 'B' };
}

/** ns per published event: the publisher dispatches each event to `subscribers` actors. */
export async function nactFanOut(subscribers: number, count: number): Promise<Measurement> {
  const system = start();
  let seen = 0;
  const subs = Array.from({ length: subscribers }, (_, s) => spawn(system, (state: number) => ((seen++, state)), `s${s}`, { initialState: 0 }));
  const data = { x: 1 };
  const measured = await perOp(count, async () => {
    for (let i = 0; i < count; i++) {
      const event = { type: 'tick', data };
      for (const sub of subs) dispatch(sub, event);
    }
    await until(() => seen === count * subscribers);
  });
  stop(system);
  return measured;
}
