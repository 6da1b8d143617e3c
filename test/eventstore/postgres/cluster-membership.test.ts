import { expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import type { EventEnvelope } from '../../../src/index.js';
import { runtimeOf } from '../../../src/system/context.js';
import type { System } from '../../../src/system/system.js';
import { nextEvent } from '../../support/eventstore.js';
import { describePg, rawClient } from './pg-env.js';
import { pgNodes } from './pg-systems.js';

const clusterEvents = (system: System) =>
  system.events.recent({ types: ['node_joined', 'node_left', 'cluster_formed', 'leader_elected'] }).map((e) => [e.type, e.data] as [string, unknown]);

/** Resolves once `check` holds, polling every 20 ms (the cluster works on its own heartbeat). */
async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A singleton that notes when it runs, on which node: [node, startedAt, stoppedAt]. */
function recorder(runs: [string, number, number | undefined][]) {
  return fromCallback(({ self }) => {
    const run: [string, number, number | undefined] = [runtimeOf(self).system.spec.node, performance.now(), undefined];
    runs.push(run);
    return () => void (run[2] = performance.now());
  });
}

const electedIn = (system: System, term: number) => nextEvent(system, 'leader_elected', (e: EventEnvelope) => (e.data as { term: number }).term === term);

describePg('cluster on PostgreSQL', () => {
  const nodes = pgNodes();
  const { start } = nodes;

  it('two nodes: both see both join, one leader in term 1, and GET /api/v1/cluster agrees on each gateway', async () => {
    const a = await start({ node: 'a' });
    const b = await start({ node: 'b' });
    await until(async () => (await a.store.members()).members.length === 2, 'a to see b');
    for (const { system, url } of [a, b]) {
      const events = clusterEvents(system);
      expect(events.filter(([t]) => t === 'node_joined').map(([, d]) => d)).toEqual(expect.arrayContaining([{ node: 'a' }, { node: 'b' }]));
      expect(events.filter(([t]) => t === 'cluster_formed')).toHaveLength(1);
      expect(events.filter(([t]) => t === 'leader_elected').map(([, d]) => d)).toEqual([{ leader: 'a', term: 1 }]);
      const res = await fetch(`${url}/api/v1/cluster`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ members: ['a', 'b'], leader: 'a', term: 1 });
    }
  });

  it('the leader stops cleanly: the other sees node_left shutdown and leads in term 2', async () => {
    const a = await start({ node: 'a' });
    const b = await start({ node: 'b' });
    await until(async () => (await b.store.members()).members.length === 2, 'b to see a');
    const left = nextEvent(b.system, 'node_left');
    const elected = electedIn(b.system, 2);
    await a.system.stop();
    expect((await left).data).toEqual({ node: 'a', reason: 'shutdown' });
    expect((await elected).data).toEqual({ leader: 'b', term: 2 });
    expect(await b.store.members()).toEqual({ members: ['b'], leader: 'b', term: 2 });
  });

  it('a member that stops heartbeating leaves with reason timeout after ttlMs', async () => {
    const a = await start({ node: 'a', cluster: { heartbeatMs: 100, ttlMs: 600 } });
    const admin = await rawClient();
    try {
      await admin.query(`INSERT INTO "${nodes.schema}".members (node, instance) VALUES ('ghost', 'x')`);
      await until(async () => (await a.store.members()).members.includes('ghost'), 'a to see the ghost join');
      const left = await nextEvent(a.system, 'node_left');
      expect(left.data).toEqual({ node: 'ghost', reason: 'timeout' });
      expect((await a.store.members()).members).toEqual(['a']);
    } finally {
      await admin.end();
    }
  });

  it('the leader loses its session: it steps down (its singleton stops), a new term is elected on both, the singleton never runs twice at once', async () => {
    const runs: [string, number, number | undefined][] = [];
    const singleton = { id: 'singleton', behaviour: 'recorder', placement: 'leader' };
    const cluster = { heartbeatMs: 100, ttlMs: 900 };
    const a = await start({ node: 'a', cluster, behaviours: { recorder: recorder(runs) }, children: [singleton] });
    const b = await start({ node: 'b', cluster, behaviours: { recorder: recorder(runs) }, children: [singleton] });
    await until(() => runs.length === 1, 'the singleton to start on the leader');
    expect(runs[0]![0]).toBe('a');
    expect(b.system.status().children!.find((c) => c.id === 'singleton')).toMatchObject({ status: 'standby', ready: false, required: false });
    await until(async () => (await b.store.members()).leader === 'a', 'b to see a lead');
    const electedOnA = electedIn(a.system, 2);
    const electedOnB = electedIn(b.system, 2);
    const admin = await rawClient();
    try {
      const cut = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'overseer a cluster'`);
      expect(cut.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    const [onA, onB] = await Promise.all([electedOnA, electedOnB]);
    expect(onA.data).toEqual(onB.data);
    await until(() => runs.length === 2 && runs[1]![2] === undefined, 'the singleton to start on the new leader');
    expect(runs[0]![2]).toBeDefined(); // stopped on step-down…
    expect(runs[0]![2]!).toBeLessThanOrEqual(runs[1]![1]); // …before it started again anywhere
    const leader = (onB.data as { leader: string }).leader;
    expect(runs[1]![0]).toBe(leader);
    const standby = leader === 'a' ? b : a;
    expect(standby.system.status().children!.find((c) => c.id === 'singleton')!.status).toBe('standby');
  });

  it('GET /api/v1/cluster on a system without a cluster actor answers 503 store_unavailable', async () => {
    const { url } = await start({ node: 'solo', cluster: false });
    const res = await fetch(`${url}/api/v1/cluster`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { type: string }).type).toBe('urn:overseer:problem:store_unavailable');
  });
});
