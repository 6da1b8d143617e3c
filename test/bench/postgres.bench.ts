/**
 * PostgreSQL benchmarks (issue 14), all on the server OVERSEER_PG_URL names (skipped, n/a,
 * without one): durable appends from 64 concurrent writers through the actors (group commit,
 * the append lock, NOTIFY) against raw node-postgres inserting the same rows 64 per
 * transaction; cross-node delivery (append over HTTP on node A → SSE frame on node B, both
 * `overseer start` processes) against the same delivery on one node; failover (SIGKILL of the
 * leader → leader_elected on a survivor) against a clean stop of the leader. Emmett's
 * PostgreSQL event store is not installed here, so that comparison is not made.
 */
import pg from 'pg';
import { eventStore, startSystem } from '../../dist/index.js';
import { newEventId } from '../../dist/eventstore/event-id.js';
import { clusterConfig, startNode, stopNodes, until, type ClusterNode } from '../cluster/nodes.js';
import { SseClient } from '../support/sse-client.js';
import type { Measurement, Scenario } from './harness.js';

const URL = process.env.OVERSEER_PG_URL || undefined;
const WRITERS = 64;
const within = (x: number) => (r: number) => r <= x;
/** Runs of each case the harness makes (one warm-up, then BENCH_RUNS): the last one closes what the case kept open. */
const RUNS_PER_CASE = 1 + Number(process.env.BENCH_RUNS ?? 5);
let schemas = 0;
const schemaName = (tag: string) => `ovbench_${tag}_${process.pid}_${++schemas}`;

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

async function pgStoreSystem(schema: string) {
  const pgParams = { backend: 'postgres', url: URL, schema };
  const system = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'bench' },
      spec: {
        node: 'bench',
        children: [
          { id: 'persistence', behaviour: 'persistence', params: { ...pgParams, synchronous: 'full', poolSize: 10 } },
          { id: 'notification', behaviour: 'notification', params: pgParams },
          { id: 'store', behaviour: 'store' },
        ],
      },
    },
    admin: false,
    env: {},
  });
  await system.ready({ timeoutMs: 15_000 });
  return { system, store: eventStore(system) };
}

function appendScenario(): Scenario {
  const schema = schemaName('append');
  let sys: Awaited<ReturnType<typeof pgStoreSystem>> | undefined;
  const versions = new Array<number>(WRITERS).fill(0);
  let raw: pg.Client | undefined;
  let rawVersion = 0;
  let oursRuns = 0;
  let rawRuns = 0;
  return {
    name: `PostgreSQL durable append, ${WRITERS} concurrent writers (per event)`,
    ours: {
      label: 'overseer eventStore(system).append on postgres (group commit)',
      n: WRITERS * 40,
      async run(n) {
        if (URL === undefined) return null;
        sys ??= await pgStoreSystem(schema);
        const { store } = sys;
        const t0 = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: WRITERS }, async (_, w) => {
            for (let i = 0; i < n / WRITERS; i++) await store.append(`w-${w}`, [{ type: 'written', data: { w, v: versions[w] } }], { expectedVersion: versions[w]! - 1 }).then(() => versions[w]!++);
          }),
        );
        const value = Number(process.hrtime.bigint() - t0) / n;
        if (++oursRuns === RUNS_PER_CASE) {
          await sys.system.stop();
          await dropSchema(schema);
        }
        return { value, unit: 'ns' } satisfies Measurement;
      },
    },
    baselines: [
      {
        label: 'raw pg: INSERT of 64 rows per transaction (same columns and indexes, synchronous_commit on)',
        n: WRITERS * 40,
        async run(n) {
          if (URL === undefined) return null;
          if (!raw) {
            raw = new pg.Client({ connectionString: URL });
            await raw.connect();
            await raw.query(`CREATE SCHEMA IF NOT EXISTS "${schema}_raw"; SET synchronous_commit = on`);
            await raw.query(`CREATE TABLE IF NOT EXISTS "${schema}_raw".events (position bigserial PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE, stream text COLLATE "C" NOT NULL, version bigint NOT NULL, type text NOT NULL, data text NOT NULL, metadata text NOT NULL, time text NOT NULL, UNIQUE (stream, version))`);
          }
          const t0 = process.hrtime.bigint();
          for (let done = 0; done < n; done += WRITERS) {
            const cols: [string[], string[], number[], string[], string[], string[], string[]] = [[], [], [], [], [], [], []];
            const time = new Date().toISOString();
            for (let w = 0; w < WRITERS; w++) {
              cols[0].push(newEventId()), cols[1].push(`w-${w}`), cols[2].push(rawVersion), cols[3].push('written');
              cols[4].push(JSON.stringify({ w, v: rawVersion })), cols[5].push('{}'), cols[6].push(time);
            }
            rawVersion += 1;
            await raw.query('BEGIN');
            await raw.query({
              name: 'raw-insert',
              text: `INSERT INTO "${schema}_raw".events (id, stream, version, type, data, metadata, time) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])`,
              values: cols,
            });
            await raw.query('COMMIT');
          }
          const value = Number(process.hrtime.bigint() - t0) / n;
          if (++rawRuns === RUNS_PER_CASE) {
            await raw.query(`DROP SCHEMA "${schema}_raw" CASCADE`);
            await raw.end();
          }
          return { value, unit: 'ns' } satisfies Measurement;
        },
      },
    ],
    targets: [{ baseline: 'raw pg: INSERT of 64 rows per transaction (same columns and indexes, synchronous_commit on)', text: '≥ 0.5× the raw rate (≤ 2.0× its time)', ok: within(2.0) }],
  };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** Appends one event at a time over HTTP on `from` and times until `sub` (on some node) has it; p50 in ns. */
async function deliveryLatency(from: ClusterNode, sub: SseClient, count: number): Promise<Measurement> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const seen = sub.events().length;
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${from.gateway}/api/v1/streams/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ type: 'ping', data: { i } }] }) });
    if (res.status !== 201) throw new Error(`append answered ${res.status}`);
    await res.arrayBuffer();
    while (sub.events().length <= seen) await new Promise<void>((r) => setImmediate(r));
    latencies.push(Number(process.hrtime.bigint() - t0));
  }
  return { value: percentile(latencies, 0.5), unit: 'ns', note: `p99 ${(percentile(latencies, 0.99) / 1e6).toFixed(1)} ms over ${count} appends` };
}

/** Two fresh nodes; the subscription is on the second; appends go to `onSame ? second : first`. */
async function latencyRun(onSame: boolean): Promise<Measurement | null> {
  if (URL === undefined) return null;
  const schema = schemaName('latency');
  const config = clusterConfig({ schema, heartbeatMs: 1000, ttlMs: 5000 });
  const nodes = await Promise.all(['a', 'b'].map((name) => startNode(config, name)));
  const sub = await SseClient.connect(`${nodes[1]!.gateway}/api/v1/subscribe?stream=latency`, (f) => f.id !== undefined && f.event === undefined);
  try {
    return await deliveryLatency(onSame ? nodes[1]! : nodes[0]!, sub, 200);
  } finally {
    sub.close();
    await stopNodes(nodes);
    await dropSchema(schema);
  }
}

const latencyScenario: Scenario = {
  name: 'PostgreSQL cross-node delivery latency, append on A → SSE event on B (p50)',
  ours: { label: 'overseer, append on node A, subscriber on node B (LISTEN/NOTIFY)', n: 1, run: () => latencyRun(false) },
  baselines: [{ label: 'overseer, append and subscriber on the same node', n: 1, run: () => latencyRun(true) }],
  targets: [{ baseline: 'overseer, append and subscriber on the same node', text: 'p50 ≤ 20 ms', ok: (_ratio, ours) => ours <= 20e6 }],
};

const HEARTBEAT_MS = 200;
const TTL_MS = 2000;

/** Three fresh nodes; the leader is stopped (SIGKILL or SIGTERM); ns until a survivor logs leader_elected in a higher term. */
async function failoverRun(signal: 'SIGKILL' | 'SIGTERM'): Promise<Measurement | null> {
  if (URL === undefined) return null;
  const schema = schemaName('failover');
  const nodes = await Promise.all(['n1', 'n2', 'n3'].map((name) => startNode(clusterConfig({ schema, heartbeatMs: HEARTBEAT_MS, ttlMs: TTL_MS }), name)));
  try {
    const view = await until(async () => {
      const v = (await (await fetch(`${nodes[0]!.gateway}/api/v1/cluster`)).json()) as { members: string[]; leader: string | null; term: number };
      return v.members.length === 3 && v.leader !== null && v;
    }, 'a leader');
    const leader = nodes.find((n) => n.name === view.leader)!;
    const survivors = nodes.filter((n) => n !== leader);
    const elected = Promise.race(survivors.map((n) => n.run.waitForLine((l) => l.event === 'leader_elected' && (l.data as { term: number }).term > view.term)));
    const t0 = process.hrtime.bigint();
    leader.run.child.kill(signal);
    await elected;
    return { value: Number(process.hrtime.bigint() - t0), unit: 'ns', note: `heartbeatMs ${HEARTBEAT_MS}, ttlMs ${TTL_MS}` };
  } finally {
    await stopNodes(nodes);
    await dropSchema(schema);
  }
}

const failoverScenario: Scenario = {
  name: `PostgreSQL failover: leader stopped → leader_elected on a survivor (ttlMs ${TTL_MS})`,
  ours: { label: 'overseer, leader killed (SIGKILL)', n: 1, run: () => failoverRun('SIGKILL') },
  baselines: [{ label: 'overseer, leader stopped cleanly (SIGTERM)', n: 1, run: () => failoverRun('SIGTERM') }],
  targets: [{ baseline: 'overseer, leader stopped cleanly (SIGTERM)', text: `≤ ttlMs + 1 s (${TTL_MS + 1000} ms)`, ok: (_ratio, ours) => ours <= (TTL_MS + 1000) * 1e6 }],
};

export const scenarios: Scenario[] = [appendScenario(), latencyScenario, failoverScenario];
