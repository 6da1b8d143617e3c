/**
 * What the runtime keeps per path or per subscriber goes when they go: /metrics after
 * thousands of dynamic children came and went is what it was before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adminSystem } from '../admin/harness.js';
import type { System } from '../../src/system/system.js';
import { counter } from '../support/behaviours.js';
import { ManualClock } from '../support/manual-clock.js';
import { EventBus } from '../../src/events/bus.js';

let current: System | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('bounded maps', () => {
  it('per-path series leave /metrics with their children (regression: exits of removed children stayed forever)', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }, { id: 'pool', intensity: { maxRestarts: 100_000, periodMs: 1000 }, children: [] }], { counter });
    current = t.system;
    await t.system.ready({ timeoutMs: 5000 });
    const before = (await t.get('/metrics')).text;
    for (let i = 0; i < 1000; i++) {
      await t.system.startChild('root/pool', { id: `w${i}`, behaviour: 'counter', restart: 'transient' });
      t.system.send(`root/pool/w${i}`, { type: 'crash' }); // one exit series per child
    }
    for (let i = 0; i < 1000; i++) {
      await t.system.terminateChild(`root/pool/w${i}`);
      await t.system.deleteChild(`root/pool/w${i}`);
    }
    expect(t.system.countChildren('root/pool')).toEqual({ specs: 0, active: 0, supervisors: 0, workers: 0 });
    const after = (await t.get('/metrics')).text;
    expect(after).not.toContain('root/pool/w');
    expect(after.length).toBe(before.length);
  });

  it('the bus forgets subscribers that left, and close() clears the drop reporter timers', async () => {
    const clock = new ManualClock();
    const bus = new EventBus({ system: 's', node: 'n', clock, dropEventIntervalMs: 1000 });
    bus.start();
    for (let i = 0; i < 2000; i++) {
      const sub = bus.subscribe(`s${i}`, { types: [`t${i}`], lateJoin: true, handler: () => undefined });
      expect(bus.publish({ type: `t${i}` })).toBe(1);
      sub.unsubscribe();
    }
    expect(bus.stats()).toEqual([]);
    expect(bus.publish({ type: 't0' })).toBe(0);
    const critical = bus.subscribe('slow', { buffer: 1, mode: 'critical', lateJoin: true });
    bus.publish({ type: 'x' });
    bus.publish({ type: 'x' }); // dropped: a drop report is scheduled
    expect(clock.pending()).toBe(1);
    bus.close();
    expect(clock.pending()).toBe(0);
    expect(critical.dropped).toBe(1);
  });
});
