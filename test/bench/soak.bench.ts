/**
 * The event loop under the soak load (issue 18): `/livez` latency of the default system, run as
 * `overseer start` in a child process, while writers append and SSE subscribers churn (each
 * catches up over the whole `$all` of 100k events, then leaves), against the same probe on the
 * same system left idle; the load runs in its own process (soak-load-child.mjs), so the probes
 * measure the server, not a busy client. The target is absolute: p99 ≤ 50 ms under load.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCli, stopCli } from './cli-process.js';
import type { Measurement, Scenario } from './harness.js';

const PRELOAD = 100_000;
const PROBE_MS = 4000;
const WRITERS = 4;
const SUBSCRIBERS = 6;
const LOAD_CHILD = fileURLToPath(new URL('./soak-load-child.mjs', import.meta.url));

async function append(gateway: string, stream: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, (_, i) => ({ type: 'soaked', data: { i, pad: 'x'.repeat(40) } }));
  const res = await fetch(`${gateway}/api/v1/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  if (res.status !== 201) throw new Error(`append answered ${res.status}: ${await res.text()}`);
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
    // The load runs in its own process: the probes here must measure the server, not a busy client.
    const load = loaded ? spawn(process.execPath, [LOAD_CHILD, gateway, String(WRITERS), String(SUBSCRIBERS), String(PRELOAD)], { stdio: ['pipe', 'pipe', 'inherit'] }) : undefined;
    const report = load ? new Promise<string>((resolve) => { let out = ''; load.stdout!.on('data', (c: Buffer) => (out += c.toString())); load.on('exit', () => resolve(out)); }) : undefined;
    if (load) await new Promise((r) => setTimeout(r, 200)); // let the catch-ups get going
    const latencies = await probeLivez(admin, PROBE_MS);
    load?.stdin!.end();
    const totals = report ? (JSON.parse((await report).trim() || '{}') as { appended?: number; catchUps?: number }) : {};
    const sorted = [...latencies].sort((a, b) => a - b);
    const note = `${latencies.length} probes, p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms` + (loaded ? `; meanwhile ${totals.appended ?? '?'} events appended, ${totals.catchUps ?? '?'} catch-ups of ${PRELOAD} (load in a child process)` : '');
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
