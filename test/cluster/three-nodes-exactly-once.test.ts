import { afterAll, afterEach, expect, it } from 'vitest';
import { describePg, dropSchemas, uniqueSchema } from '../eventstore/postgres/pg-env.js';
import { SseClient } from '../support/sse-client.js';
import { clusterConfig, startNode, stopNodes, until, type ClusterNode } from './nodes.js';

const WRITERS = 64;
const APPENDS_EACH = 6;

interface Received {
  id: string;
  stream: string;
  version: number;
  position: number;
}

describePg('three nodes on one database, 64 concurrent writers', () => {
  const schema = uniqueSchema('three');
  let nodes: ClusterNode[] = [];
  const subscriptions: SseClient[] = [];
  afterEach(async () => {
    subscriptions.splice(0).forEach((s) => s.close());
    await stopNodes(nodes);
  });
  afterAll(() => dropSchemas([schema]));

  it('a $all and a single-stream subscriber on every node each receive every acknowledged event exactly once, in the same order, without gaps', async () => {
    const config = clusterConfig({ schema, heartbeatMs: 500, ttlMs: 3000 });
    nodes = await Promise.all(['n1', 'n2', 'n3'].map((name) => startNode(config, name)));
    const isEvent = (f: { id?: string; data?: string; event?: string }) => f.id !== undefined && f.event === undefined;
    const all = await Promise.all(nodes.map((n) => SseClient.connect(`${n.gateway}/api/v1/subscribe?from=1`, isEvent)));
    const shared = await Promise.all(nodes.map((n) => SseClient.connect(`${n.gateway}/api/v1/subscribe?stream=shared`, isEvent)));
    subscriptions.push(...all, ...shared);

    // Each writer alternates between its own stream and one stream every writer appends to, on the gateway of "its" node.
    const acknowledged = new Map<string, { stream: string; position: number }>();
    const writer = async (w: number) => {
      const gateway = nodes[w % nodes.length]!.gateway;
      for (let i = 0; i < APPENDS_EACH; i++) {
        const stream = i % 2 === 0 ? `writer-${w}` : 'shared';
        const id = `w${w}-${i}`;
        const res = await fetch(`${gateway}/api/v1/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ id, type: 'e', data: { w, i } }] }) });
        expect(res.status, await res.clone().text()).toBe(201);
        acknowledged.set(id, { stream, position: ((await res.json()) as { position: number }).position });
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const total = WRITERS * APPENDS_EACH;
    const sharedTotal = [...acknowledged.values()].filter((a) => a.stream === 'shared').length;
    // A last event after every acknowledged one: delivery is in order, so once a subscriber has it, it has had everything before it, duplicates included.
    const last = await fetch(`${nodes[0]!.gateway}/api/v1/streams/shared`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ id: 'sentinel', type: 'end', data: {} }] }) });
    expect(last.status).toBe(201);
    const hasSentinel = (s: SseClient) => s.events().some((f) => f.data!.includes('"id":"sentinel"'));
    await until(() => [...all, ...shared].every(hasSentinel), 'every subscriber to receive the last event', 30_000);

    const received = (s: SseClient) => s.events().map((f) => JSON.parse(f.data!) as Received).filter((e) => e.id !== 'sentinel');
    const first = received(all[0]!);
    expect(first.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => i + 1)); // no gaps, no duplicates
    expect(new Map(first.map((e) => [e.id, { stream: e.stream, position: e.position }]))).toEqual(acknowledged);
    for (const s of all.slice(1)) expect(received(s)).toEqual(first); // the same order on every node
    const firstShared = received(shared[0]!);
    expect(firstShared.map((e) => e.version)).toEqual(Array.from({ length: sharedTotal }, (_, i) => i));
    expect(firstShared.map((e) => e.id)).toEqual(first.filter((e) => e.stream === 'shared').map((e) => e.id));
    for (const s of shared.slice(1)) expect(received(s)).toEqual(firstShared);
  }, 90_000);
});
