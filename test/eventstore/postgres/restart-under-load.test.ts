import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../../support/eventstore.js';
import { serverBinariesPresent, startPrivateServer, type PrivateServer } from './private-server.js';
import { startPgNode } from './pg-systems.js';

const runs = serverBinariesPresent() || Boolean(process.env.CI);

(runs ? describe : describe.skip)('persistence on PostgreSQL: the server restarted under load', () => {
  let server: PrivateServer;
  beforeAll(async () => {
    server = await startPrivateServer();
  }, 60_000);
  afterAll(() => server?.remove());

  it('appends answer 503 store_unavailable meanwhile, nothing acknowledged is lost, readiness comes back by itself', async () => {
    const { system, url } = await startPgNode({ schema: 'overseer', persistence: { url: server.url, recoveryProbeMs: 100 }, notification: { url: server.url }, cluster: false });
    try {
      const acknowledged = new Map<string, number>();
      const refusals: { status: number; type: string; retryAfter: string | null }[] = [];
      const unexpected: string[] = [];
      let writing = true;
      // Each writer retries the same event id until it is acknowledged: a retry of a commit that did land is not stored twice.
      const writer = async (w: number) => {
        for (let i = 0; writing; i++) {
          const id = `w${w}-${i}`;
          for (;;) {
            const res = await fetch(`${url}/api/v1/streams/load-${w}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ id, type: 'e', data: { w, i } }] }) }).catch(() => undefined);
            if (res?.status === 201) {
              acknowledged.set(id, ((await res.json()) as { position: number }).position);
              break;
            }
            if (res?.status === 503) {
              refusals.push({ status: 503, type: ((await res.json()) as { type: string }).type, retryAfter: res.headers.get('retry-after') });
            } else unexpected.push(`${res?.status ?? 'no answer'} ${res ? await res.text() : ''}`);
            await new Promise((r) => setTimeout(r, 20));
            if (!writing && res?.status !== 503) break;
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, w) => writer(w));
      const waitFor = async (check: () => boolean, what: string, ms = 20_000) => {
        const until = Date.now() + ms;
        while (!check()) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      await waitFor(() => acknowledged.size >= 50, '50 acknowledged appends before the outage');
      const degraded = nextEvent(system, 'system_degraded');
      await server.down();
      await degraded;
      const refusedBefore = refusals.length;
      await waitFor(() => refusals.length >= refusedBefore + 8, 'appends refused during the outage');
      const persistence = () => system.status().children!.find((c) => c.id === 'persistence')!;
      expect(persistence()).toMatchObject({ status: 'running', ready: false, restarts: 0 });
      const recovered = nextEvent(system, 'system_ready');
      const before = acknowledged.size;
      await server.up();
      await recovered;
      await waitFor(() => acknowledged.size >= before + 50, '50 more acknowledged appends after the restart');
      writing = false;
      await Promise.all(writers);

      expect(unexpected).toEqual([]);
      expect(refusals.length).toBeGreaterThan(0);
      expect(new Set(refusals.map((r) => `${r.type} retry-after ${r.retryAfter}`))).toEqual(new Set(['urn:overseer:problem:store_unavailable retry-after 1']));
      expect(persistence()).toMatchObject({ ready: true, restarts: 0 });
      // Every acknowledged event is stored, once, at the position it was acknowledged with; positions are gapless.
      const res = await fetch(`${url}/api/v1/all?from=1&limit=4096`);
      const { events } = (await res.json()) as { events: { id: string; position: number }[] };
      expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
      const stored = new Map(events.map((e) => [e.id, e.position]));
      expect(stored.size).toBe(events.length);
      for (const [id, position] of acknowledged) expect(stored.get(id), id).toBe(position);
    } finally {
      await system.stop();
    }
  }, 90_000);
});
