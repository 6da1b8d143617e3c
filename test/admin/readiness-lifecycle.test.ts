import { afterEach, describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import type { System } from '../../src/system/system.js';
import { counter, slowStopper, warmup } from '../support/behaviours.js';
import type { EventEnvelope } from '../../src/events/catalogue.js';
import { adminSystem, waitFor } from './harness.js';

let current: System | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

const FIVE = ['persistence', 'notification', 'store', 'cluster', 'gateway'];

describe('readiness protocol', () => {
  it('initialization_started, 5 × starting, 5 × ready each followed by systems_pending, then exactly one system_ready', async () => {
    const t = await adminSystem(FIVE.map((id) => ({ id, behaviour: 'warmup' })), { warmup }, { start: 'parallel' });
    current = t.system;
    const order = ['store', 'gateway', 'cluster', 'persistence', 'notification'];
    for (const [i, id] of order.entries()) {
      t.system.send(`root/${id}`, { type: 'warm' });
      // each actor becomes ready on its own time, as real subsystems do
      await waitFor(() => t.types().filter((x) => x === 'systems_pending' || x === 'system_ready').length === i + 1);
    }
    await t.system.ready({ timeoutMs: 2000 });
    const isFive = (e: EventEnvelope) => FIVE.some((id) => (e.data as { system?: string }).system === `root/${id}`);
    const relevant = t.system.events
      .recent()
      .filter((e) => ['initialization_started', 'systems_pending', 'system_ready'].includes(e.type) || (['subsystem_starting', 'subsystem_ready'].includes(e.type) && isFive(e)));
    expect(relevant[0]!.type).toBe('initialization_started');
    expect(relevant[0]!.data).toEqual({ expectedSystems: FIVE.map((id) => `root/${id}`) });
    expect(relevant.slice(1, 6).map((e) => e.type)).toEqual(Array(5).fill('subsystem_starting'));
    expect(relevant.slice(6).map((e) => e.type)).toEqual([
      'subsystem_ready', 'systems_pending', 'subsystem_ready', 'systems_pending', 'subsystem_ready', 'systems_pending',
      'subsystem_ready', 'systems_pending', 'subsystem_ready', 'system_ready',
    ]);
    const pending = relevant.filter((e) => e.type === 'systems_pending').map((e) => (e.data as { missingSystems: string[] }).missingSystems.length);
    expect(pending).toEqual([4, 3, 2, 1]);
    expect(relevant[7]!.data).toEqual({ missingSystems: FIVE.filter((id) => id !== 'store').map((id) => `root/${id}`), readySystems: ['root/store'] });
    const ready = t.system.events.recent({ types: ['system_ready'] });
    expect(ready).toHaveLength(1);
    expect((ready[0]!.data as { readySystems: string[] }).readySystems).toEqual(FIVE.map((id) => `root/${id}`));
  });

  it('a required actor crashing after readiness degrades the system; /readyz 503 in backoff, /livez 200; then ready again', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }], { counter }, { backoff: { initialMs: 1000, maxMs: 1000 } });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    expect((await t.get('/readyz')).status).toBe(200);
    t.system.send('root/a', { type: 'crash' });
    await waitFor(() => t.types().includes('system_degraded'));
    expect(t.system.status().children![1]!.status).toBe('backoff');
    expect((await t.get('/readyz')).status).toBe(503);
    expect((await t.get('/readyz?verbose')).text).toContain('[-]root/a not ready: boom');
    expect((await t.get('/livez')).status).toBe(200);
    await t.clock.advance(1000);
    await waitFor(() => t.types().filter((x) => x === 'system_ready').length === 2);
    expect((await t.get('/readyz')).status).toBe(200);
    expect(JSON.parse((await t.get('/health')).text).status).toBe('warn'); // a restart inside the window
  });

  it('missing the readiness deadline publishes readiness_timeout and restarts the actor', async () => {
    const t = await adminSystem([{ id: 'cold', behaviour: 'warmup', readiness: { timeoutMs: 500 } }], { warmup });
    current = t.system;
    await t.clock.advance(500);
    await waitFor(() => t.system.status().children![1]!.restarts === 1);
    const failed = t.system.events.recent({ types: ['subsystem_failed'] }).map((e) => e.data);
    expect(failed).toContainEqual({ system: 'root/cold', reason: 'readiness_timeout' });
  });

  it('an optional actor failing leaves /readyz 200 and makes /health warn', async () => {
    const broken = fromCallback(() => {
      throw new Error('optional thing is down');
    });
    const t = await adminSystem(
      [{ id: 'a', behaviour: 'counter' }, { id: 'extra', behaviour: 'broken', restart: 'transient', readiness: { required: false } }],
      { counter, broken },
      { intensity: { maxRestarts: 10, periodMs: 1000 }, backoff: { initialMs: 60_000, maxMs: 60_000 } },
    );
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    expect((await t.get('/readyz')).status).toBe(200);
    const health = JSON.parse((await t.get('/health')).text);
    expect(health.status).toBe('warn');
    expect(health.checks['root/extra:ready'][0]).toMatchObject({ status: 'warn' });
  });

  it('stopping drops readiness before any child stops', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }, { id: 'slow', behaviour: 'slowStopper', shutdown: 5000 }], { counter, slowStopper });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    const stopping = t.system.stop();
    await waitFor(() => t.system.status().children![2]!.status === 'stopping');
    // a child is stopping (it has 5 s of injected time to finish): readiness is already gone
    const during = await t.get('/readyz?verbose');
    expect(during.status).toBe(503);
    expect(during.text).toContain('[-]shutdown stopping');
    expect((await t.get('/livez')).status).toBe(200);
    await t.clock.advance(5000);
    await stopping;
    const order = t.system.events.recent().map((e) => e.type);
    expect(order.indexOf('system_stopping')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('system_stopping')).toBeLessThan(order.indexOf('subsystem_stopping'));
    expect(order.at(-1)).toBe('system_stopped');
  });
});
