import { afterEach, describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import type { System } from '../../src/system/system.js';
import { counter, warmup } from '../support/behaviours.js';
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
    for (const id of ['store', 'gateway', 'cluster', 'persistence', 'notification']) t.system.send(`root/${id}`, { type: 'warm' });
    await t.system.ready({ timeoutMs: 2000 });
    const seq = t.system.events.recent().filter((e) => e.source !== 'root/control-plane' || e.type !== 'subsystem_starting');
    const relevant = seq
      .filter((e) => ['initialization_started', 'systems_pending', 'system_ready'].includes(e.type) || (['subsystem_starting', 'subsystem_ready'].includes(e.type) && FIVE.some((id) => (e.data as { system: string }).system === `root/${id}`)))
      .map((e) => e.type);
    expect(relevant[0]).toBe('initialization_started');
    expect(relevant.slice(1, 6)).toEqual(Array(5).fill('subsystem_starting'));
    expect(relevant.slice(6)).toEqual([
      'subsystem_ready', 'systems_pending', 'subsystem_ready', 'systems_pending', 'subsystem_ready', 'systems_pending',
      'subsystem_ready', 'systems_pending', 'subsystem_ready', 'system_ready',
    ]);
    const init = t.system.events.recent({ types: ['initialization_started'] })[0]!;
    expect(init.data).toEqual({ expectedSystems: FIVE.map((id) => `root/${id}`) });
    const ready = t.system.events.recent({ types: ['system_ready'] });
    expect(ready).toHaveLength(1);
    expect((ready[0]!.data as { readySystems: string[] }).readySystems.sort()).toEqual(FIVE.map((id) => `root/${id}`).sort());
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
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }], { counter });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    let readyzDuringStop = 0;
    const url = t.system.adminUrl!;
    const sub = t.system.events.subscribe('probe', { types: ['subsystem_stopping'], lateJoin: true, buffer: 10, handler: () => undefined });
    const stopping = t.system.stop();
    readyzDuringStop = (await fetch(url + '/readyz')).status;
    await stopping;
    sub.unsubscribe();
    expect(readyzDuringStop).toBe(503);
    const order = t.system.events.recent().map((e) => e.type);
    expect(order.indexOf('system_stopping')).toBeLessThan(order.indexOf('subsystem_stopping'));
  });
});
