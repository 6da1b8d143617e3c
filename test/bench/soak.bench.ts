/**
 * The event loop under the soak load (issue 18): `/livez` latency of the default system, run as
 * `overseer start` in a child process, while writers append and SSE subscribers churn (each
 * catches up over the whole `$all` of 100k events, then leaves), against the same probe on the
 * same system left idle. The target is absolute: p99 ≤ 50 ms under load.
 */
import { request } from 'node:http';
import { startCli, stopCli } from './cli-process.js';
import type { Measurement, Scenario } from './harness.js';

const PRELOAD = 100_000;
const PROBE_MS = 4000;
const WRITERS = 4;
const SUBSCRIBERS = 6;

async function append(gateway: string, stream: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, (_, i) => ({ type: 'soaked', data: { i, pad: 'x'.repeat(40) } }));
  const res = await fetch(`${gateway}/api/v1/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  if (res.status !== 201) throw new Error(`append answered ${res.status}: ${await res.text()}`);
}

/** One SSE client: subscribes to `$all` from the start, reads until it passed `until` positions, leaves. */
function catchUp(gateway: string, until: number, stop: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${gateway}/api/v1/subscribe?from=1`, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`subscribe answered ${res.statusCode}`));
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf('\nid: '); i >= 0; i = chunk.indexOf('\nid: ', i + 1)) seen += 1;
        if (seen >= until || stop()) req.destroy();
      });
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve()); // destroyed by us
    req.end();
  });
}

/** Probes `/livez` one request at a time for `ms`; returns the latencies in ms. */
async function probeLivez(admin: string, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${admin}/livez`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/livez answered ${res.status}`);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((r) => setTimeout(r, 5));
  }
  return latencies;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

async function soak(loaded: boolean): Promise<Measurement> {
  const { child, urls } = await startCli('gateway listening');
  try {
    const admin = urls.get('admin endpoint listening')!;
    const gateway = urls.get('gateway listening')!;
    for (let i = 0; i < PRELOAD / 1000; i++) await append(gateway, `preload-${i % 10}`, 1000);
    let done = false;
    let appended = 0;
    let catchUps = 0;
    const load: Promise<void>[] = [];
    if (loaded) {
      for (let w = 0; w < WRITERS; w++) {
        load.push(
          (async () => {
            while (!done) {
              await append(gateway, `soak-${w}`, 10);
              appended += 10;
            }
          })(),
        );
      }
      for (let s = 0; s < SUBSCRIBERS; s++) {
        load.push(
          (async () => {
            while (!done) {
              await catchUp(gateway, PRELOAD, () => done);
              catchUps += 1;
            }
          })(),
        );
      }
    }
    const latencies = await probeLivez(admin, PROBE_MS);
    done = true;
    await Promise.all(load);
    const sorted = [...latencies].sort((a, b) => a - b);
    const note = `${latencies.length} probes, p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms` + (loaded ? `; meanwhile ${appended} events appended, ${catchUps} catch-ups of ${PRELOAD}` : '');
    return { value: p99(latencies) * 1e6, unit: 'ns', note };
  } finally {
    await stopCli(child);
  }
}

const livezUnderSoak: Scenario = {
  name: '/livez p99 under the soak load (4 writers, 6 SSE clients catching up over 100k events)',
  ours: { label: 'overseer under load', n: 1, run: () => soak(true) },
  baselines: [{ label: 'overseer idle', n: 1, run: () => soak(false) }],
  targets: [{ baseline: 'overseer idle', text: 'p99 ≤ 50 ms under load', ok: (_ratio, ours) => ours <= 50e6 }],
};

export const scenarios: Scenario[] = [livezUnderSoak];
