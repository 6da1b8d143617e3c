/**
 * Readiness follows the live tree, not the static spec: required children started or
 * deleted at run time join or leave the expected set; only the runtime publishes lifecycle
 * events; every logic can lose and regain readiness; kill follows Erlang's exit(Pid, Reason).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import { adminSystem, waitFor } from '../admin/harness.js';
import type { System } from '../../src/system/system.js';
import { counter, warmup } from '../support/behaviours.js';

let current: System | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

/** A plain fromCallback that emits not_ready / ready when told (no readyBySignal, auto readiness). */
const flapping = fromCallback<{ type: string }, unknown, { type: 'ready' } | { type: 'not_ready' }>(({ receive, emit }) => {
  receive((e) => {
    if (e.type === 'down') emit({ type: 'not_ready' });
    if (e.type === 'up') emit({ type: 'ready' });
  });
});

const behaviours = { counter, warmup, flapping };

describe('readiness from the live tree', () => {
  it('a required child started at run time counts for /readyz and /health alike (regression: /readyz 200 while /health failed)', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }], behaviours);
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    await t.system.startChild('root', { id: 'late', behaviour: 'warmup' });
    await waitFor(() => t.system.events.recent({ types: ['system_degraded'] }).length === 1);
    expect((await t.get('/readyz')).status).toBe(503);
    expect((await t.get('/health')).status).toBe(503);
    expect((await t.get('/readyz?verbose')).text).toContain('[-]root/late not ready');
    t.system.send('root/late', { type: 'warm' });
    await waitFor(() => t.system.events.recent({ types: ['system_ready'] }).length === 2);
    expect((await t.get('/readyz')).status).toBe(200);
    expect((await t.get('/health')).status).toBe(200);
  });

  it('deleteChild of a required child removes it from the expected set (regression: /readyz stayed 503 forever)', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }, { id: 'cold', behaviour: 'warmup', readiness: { timeoutMs: 3_600_000 } }], behaviours);
    current = t.system;
    await waitFor(() => t.system.status().children![2]!.status === 'running');
    expect((await t.get('/readyz')).status).toBe(503);
    await t.system.terminateChild('root/cold');
    await t.system.deleteChild('root/cold');
    await waitFor(() => t.system.events.recent({ types: ['system_ready'] }).length === 1);
    const verbose = await t.get('/readyz?verbose');
    expect(verbose.status).toBe(200);
    expect(verbose.text).not.toContain('root/cold');
  });

  it('a temporary required child that completed and was removed is not listed as [+] ok', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }, { id: 'job', behaviour: 'counter', restart: 'temporary' }], behaviours);
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    t.system.send('root/job', { type: 'finish' });
    await waitFor(() => t.system.events.recent({ types: ['child_deleted'] }).length === 1);
    await waitFor(() => !t.system.status().children!.some((c) => c.path === 'root/job'));
    const verbose = await t.get('/readyz?verbose');
    expect(verbose.status).toBe(200);
    expect(verbose.text).not.toContain('root/job');
  });

  it('system.events.publish of a lifecycle event is refused (regression: any code could turn /readyz green)', async () => {
    const t = await adminSystem([{ id: 'cold', behaviour: 'warmup', readiness: { timeoutMs: 3_600_000 } }], behaviours);
    current = t.system;
    for (const type of ['subsystem_ready', 'system_ready', 'child_started', 'restart_intensity_exceeded']) {
      expect(() => t.system.events.publish({ type, data: { system: 'root/cold' } })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_RESERVED_EVENT', type }));
      expect(() => t.system.publish({ type, data: {} })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_RESERVED_EVENT' }));
    }
    expect(t.system.events.publish({ type: 'order_placed', data: {} })).toBeGreaterThanOrEqual(0);
    expect((await t.get('/readyz')).status).toBe(503);
  });

  it('auto readiness honours not_ready from a plain fromCallback, and ready again (regression: it stayed ready)', async () => {
    const t = await adminSystem([{ id: 'f', behaviour: 'flapping' }], behaviours);
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    t.system.send('root/f', { type: 'down' });
    expect(t.system.status().children![1]).toMatchObject({ ready: false, status: 'running' });
    await waitFor(() => t.system.events.recent({ types: ['system_degraded'] }).length === 1);
    expect((await t.get('/readyz')).status).toBe(503);
    t.system.send('root/f', { type: 'up' });
    expect(t.system.status().children![1]).toMatchObject({ ready: true, status: 'ready' });
    await waitFor(() => t.system.events.recent({ types: ['system_ready'] }).length === 2);
  });
});

describe('system.kill follows exit(Pid, Reason)', () => {
  it('shutdown and normal are those exit reasons: a transient child is not restarted; anything else is an error exit', async () => {
    const t = await adminSystem(
      [
        { id: 's', behaviour: 'counter', restart: 'transient' },
        { id: 'n', behaviour: 'counter', restart: 'transient' },
        { id: 'e', behaviour: 'counter', restart: 'transient' },
      ],
      behaviours,
    );
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    t.system.kill('root/s', 'shutdown');
    t.system.kill('root/n', 'normal');
    t.system.kill('root/e', 'disk on fire');
    await waitFor(() => t.system.events.recent({ types: ['child_started'] }).filter((e) => (e.data as { path: string }).path === 'root/e').length === 2);
    const byPath = Object.fromEntries(t.system.status().children!.map((c) => [c.id, c]));
    expect(byPath.s).toMatchObject({ status: 'stopped', restarts: 0, lastExit: { reason: 'shutdown' } });
    expect(byPath.n).toMatchObject({ status: 'completed', restarts: 0, lastExit: { reason: 'normal' } });
    expect(byPath.e).toMatchObject({ status: 'ready', restarts: 1, lastExit: { reason: 'error', error: 'disk on fire' } });
  });

  it('a supervisor can be killed: its children stop and its parent restarts it', async () => {
    const t = await adminSystem([{ id: 'g', children: [{ id: 'x', behaviour: 'counter' }] }], behaviours);
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    const before = t.system.children('root/g')[0]!.instance;
    t.system.kill('root/g', 'kill');
    await waitFor(() => t.system.status().children![1]!.restarts === 1 && t.system.status().children![1]!.status === 'ready');
    expect(t.system.children('root/g')[0]!.instance).not.toBe(before);
    expect(t.system.countChildren('root')).toEqual({ specs: 2, active: 2, supervisors: 1, workers: 1 });
  });
});
