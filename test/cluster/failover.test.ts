import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';
import { describePg, dropSchemas, rawClient, uniqueSchema } from '../eventstore/postgres/pg-env.js';
import { clusterConfig, startNode, stopNodes, until, type ClusterNode } from './nodes.js';

const RECORDER = fileURLToPath(new URL('./fixtures/term-recorder.js', import.meta.url));
const HEARTBEAT_MS = 200;
const TTL_MS = 2000;

describePg('three nodes: the leader killed with SIGKILL', () => {
  const schema = uniqueSchema('failover');
  const table = `"${schema}".singleton_runs`;
  let nodes: ClusterNode[] = [];
  afterEach(() => stopNodes(nodes));
  afterAll(() => dropSchemas([schema]));

  it('survivors elect a new leader in a higher term within ttlMs + 1 s; the singleton moves there and never runs on two nodes at once', async () => {
    const admin = await rawClient();
    try {
      await admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE ${table} (node text NOT NULL, term bigint NOT NULL, at timestamptz NOT NULL)`);
      const config = clusterConfig({
        schema,
        heartbeatMs: HEARTBEAT_MS,
        ttlMs: TTL_MS,
        extraChildren: `    - { id: recorder, module: '${RECORDER}#termRecorder', placement: leader, params: { table: '${table.replaceAll("'", "''")}' }, shutdown: 500 }\n`,
      });
      nodes = await Promise.all(['n1', 'n2', 'n3'].map((name) => startNode(config, name)));
      const view = async (n: ClusterNode) => (await (await fetch(`${n.gateway}/api/v1/cluster`)).json()) as { members: string[]; leader: string | null; term: number };
      const first = await until(async () => {
        const views = await Promise.all(nodes.map(view));
        return views.every((v) => v.members.length === 3 && v.leader !== null && v.leader === views[0]!.leader) && views[0];
      }, 'all three nodes to agree on a leader');
      await until(async () => (await admin.query(`SELECT 1 FROM ${table} WHERE term = $1`, [first.term])).rowCount! > 0, 'the singleton to record on the first leader');

      const leader = nodes.find((n) => n.name === first.leader)!;
      const survivors = nodes.filter((n) => n !== leader);
      const elected = survivors.map((n) => n.run.waitForLine((l) => l.event === 'leader_elected' && (l.data as { term: number }).term > first.term));
      const killedAt = Date.now();
      leader.run.child.kill('SIGKILL');
      const lines = await Promise.all(elected);
      // Both survivors announce the same new leader, one of them, in the same higher term, within ttlMs + 1 s of the kill.
      const [a, b] = lines.map((l) => l.data as { leader: string; term: number });
      expect(a).toEqual(b);
      expect(survivors.map((n) => n.name)).toContain(a!.leader);
      for (const line of lines) expect(Number(line.time) - killedAt).toBeLessThanOrEqual(TTL_MS + 1000);

      await until(async () => (await admin.query(`SELECT 1 FROM ${table} WHERE term = $1`, [a!.term])).rowCount! > 0, 'the singleton to record on the new leader', TTL_MS + 10_000);
      const terms = (
        await admin.query<{ term: number; nodes: string[]; first: Date; last: Date }>(
          `SELECT term::int AS term, array_agg(DISTINCT node) AS nodes, min(at) AS first, max(at) AS last FROM ${table} GROUP BY term ORDER BY term`,
        )
      ).rows;
      expect(terms.map((t) => [t.term, t.nodes])).toEqual([
        [first.term, [first.leader]],
        [a!.term, [a!.leader]],
      ]);
      // No overlap: the old term's last record precedes the new term's first.
      expect(terms[0]!.last.getTime()).toBeLessThan(terms[1]!.first.getTime());
      nodes = survivors;
    } finally {
      await admin.end();
    }
  }, 60_000);
});
