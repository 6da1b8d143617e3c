/**
 * The scenario of the lab system this design grew from, in fake time, with the two controllers
 * of systems/behaviours: the seed's edge-triggered one (lab-naive.js) leaves both labs stuck in
 * provisioning until its sweep fails them at ~40 s; the lifecycle controller (lab-controller.js,
 * requeueAfter, resync off to show requeues alone suffice) takes them to ready at 5 s, to
 * deleting 20 s later, and they are gone after their cleanup.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResourcesClient, WatchEvent } from '../../src/index.js';
import { advance, LAB_KIND, resourceSystems, until } from './support.js';

const behaviours = resolve(import.meta.dirname, '../../systems/behaviours');
const start = resourceSystems();

function controller(params: Record<string, unknown>) {
  return { children: [{ id: 'lab-controller', behaviour: 'controller', params: { kind: 'LabInstance', maxConcurrentReconciles: 4, ...params } }] };
}

/** Every phase each lab reaches, with the fake time (s since t0) it was first seen; `gone` once deleted. */
async function timeline(api: ResourcesClient, now: () => number, t0: number) {
  const seen = new Map<string, { phase: string; at: number; reason?: unknown }[]>();
  const watch = await api.watch('LabInstance');
  void (async () => {
    for await (const event of watch as AsyncIterable<WatchEvent>) {
      if (event.type === 'BOOKMARK') continue;
      const name = event.object.metadata.name;
      const phase = event.type === 'DELETED' ? 'gone' : String(event.object.status.phase ?? '(none)');
      const list = seen.get(name) ?? [];
      if (list.at(-1)?.phase !== phase) list.push({ phase, at: (now() - t0) / 1000, reason: event.object.status.reason });
      seen.set(name, list);
    }
  })();
  return { seen, close: () => watch.close() };
}

const labs = ['lab-1', 'lab-2'];

describe('the seed scenario: two labs, provisioning that takes 5 s', () => {
  it('with the edge-triggered controller (no requeue), both labs end failed "Provisioning timeout" at about 40 s, never ready', async () => {
    const { api, clock } = await start({ kinds: [LAB_KIND], ...controller({ reconcile: `${behaviours}/lab-naive.js#naiveReconcile`, resyncPeriodMs: 10_000 }) });
    const t0 = clock.now();
    const { seen, close } = await timeline(api, () => clock.now(), t0);
    for (const name of labs) await api.create('LabInstance', { metadata: { name }, spec: { image: 'ubuntu' } });
    await advance(clock, 45_000, 250);
    await until(() => labs.every((n) => seen.get(n)?.at(-1)?.phase === 'failed'));
    for (const name of labs) {
      const phases = seen.get(name)!;
      expect(phases.map((p) => p.phase)).toEqual(['(none)', 'pending', 'provisioning', 'failed']);
      const failed = phases.at(-1)!;
      expect(failed.reason).toBe('Provisioning timeout');
      expect(failed.at).toBeGreaterThanOrEqual(39);
      expect(failed.at).toBeLessThanOrEqual(41);
    }
    close();
  });

  it('with requeueAfter (the lifecycle machine, no resync), both reach ready at 5 s, deleting 20 s later, and are gone after cleanup', async () => {
    const { api, clock } = await start({
      kinds: [LAB_KIND],
      ...controller({ reconcile: `${behaviours}/lab-controller.js#reconcile`, finalize: `${behaviours}/lab-controller.js#finalize`, resyncPeriodMs: 0 }),
    });
    const t0 = clock.now();
    const { seen, close } = await timeline(api, () => clock.now(), t0);
    for (const name of labs) await api.create('LabInstance', { metadata: { name }, spec: { image: 'ubuntu' } });
    await advance(clock, 30_000, 250);
    await until(() => labs.every((n) => seen.get(n)?.at(-1)?.phase === 'gone'));
    for (const name of labs) {
      const phases = seen.get(name)!;
      expect(phases.map((p) => p.phase)).toEqual(['(none)', 'pending', 'provisioning', 'ready', 'deleting', 'deleted', 'gone']);
      const at = Object.fromEntries(phases.map((p) => [p.phase, p.at]));
      expect(at.provisioning).toBeLessThanOrEqual(0.25);
      expect(at.ready).toBeGreaterThanOrEqual(5);
      expect(at.ready).toBeLessThanOrEqual(5.25);
      expect(at.deleting! - at.ready!).toBeGreaterThanOrEqual(19.75);
      expect(at.deleting! - at.ready!).toBeLessThanOrEqual(20.25);
      expect(at.gone! - at.deleting!).toBeGreaterThanOrEqual(2);
      expect(at.gone! - at.deleting!).toBeLessThanOrEqual(2.5);
    }
    expect((await api.list('LabInstance')).items).toEqual([]);
    close();
  });

  it('fails a lab still provisioning after stuckMs through its own requeue, with no resync', async () => {
    const { api, clock } = await start({
      kinds: [LAB_KIND],
      ...controller({ reconcile: `${behaviours}/lab-controller.js#reconcile`, finalize: `${behaviours}/lab-controller.js#finalize`, resyncPeriodMs: 0 }),
    });
    const t0 = clock.now();
    const { seen, close } = await timeline(api, () => clock.now(), t0);
    await api.create('LabInstance', { metadata: { name: 'slow' }, spec: { image: 'ubuntu', provisionMs: 60_000 } });
    await advance(clock, 31_000, 250);
    await until(() => seen.get('slow')?.at(-1)?.phase === 'failed');
    const failed = seen.get('slow')!.at(-1)!;
    expect(failed.reason).toBe('Provisioning timeout');
    expect(failed.at).toBeGreaterThanOrEqual(30);
    expect(failed.at).toBeLessThanOrEqual(30.25);
    close();
  });
});
