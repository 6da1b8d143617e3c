/**
 * Control-plane benchmarks: process start → first 200 on /readyz for systems/default.yaml
 * (baseline: `node -e 0` in the same run), and /livez and /readyz requests per second under
 * autocannon on loopback (baseline: a bare node:http server with the same body). Servers run
 * in child processes so the load generator does not share their thread; a probe run with any
 * answer but 200 fails.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { cpuMicros, startCli, stopCli as stop } from './cli-process.js';
import type { Measurement, Scenario } from './harness.js';

const within = (x: number) => (r: number) => r <= x;

const startup: Scenario = {
  name: 'process start → first 200 on /readyz (default system)',
  ours: {
    label: 'overseer start',
    n: 1,
    async run() {
      const { child, urls, t0 } = await startCli();
      const url = urls.get('admin endpoint listening')!;
      await untilReady(url);
      const ns = Number(process.hrtime.bigint() - t0);
      await stop(child);
      return { value: ns, unit: 'ns' };
    },
  },
  baselines: [
    {
      label: 'node -e 0',
      n: 1,
      async run() {
        const t0 = process.hrtime.bigint();
        await new Promise((r) => spawn(process.execPath, ['-e', '0']).on('exit', r));
        return { value: Number(process.hrtime.bigint() - t0), unit: 'ns' };
      },
    },
  ],
  targets: [{ baseline: 'node -e 0', text: '≤ 5×', ok: within(5) }],
};

async function untilReady(url: string): Promise<void> {
  for (;;) {
    const res = await fetch(url + '/readyz').catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

const BARE = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 2, 'cache-control': 'no-store' }); s.end('ok'); }).listen(0, '127.0.0.1', function () { console.log('"url":"http://127.0.0.1:' + this.address().port + '"'); });`;

/**
 * Server CPU per request under autocannon load. On a 2-core machine autocannon needs a core
 * of its own and bounds the observed rate (printed beside it), so the comparable figure is
 * what each request costs the server: its capacity is 1 / that.
 */
async function load(url: string, pid: number): Promise<Measurement> {
  const cpu0 = cpuMicros(pid);
  const result = await autocannon({ url, connections: 16, duration: 3, pipelining: 1 });
  const cpu = cpuMicros(pid) - cpu0;
  assertAll200(url, result);
  return { value: (cpu * 1000) / result.requests.total, unit: 'ns', note: `${Math.round(result.requests.average)} req/s observed, p99 ${result.latency.p99} ms` };
}

/**
 * A probe that answered anything but 200 (a 503 while not ready, a 404, a reset) measured a
 * different path: the run fails instead of reporting a figure.
 */
function assertAll200(url: string, result: autocannon.Result): void {
  const byStatus = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0] as const);
  const ok = byStatus.find(([code]) => code === '200')?.[1] ?? 0;
  const other = byStatus.filter(([code, n]) => code !== '200' && n > 0);
  if (result.non2xx > 0 || other.length > 0 || result.errors > 0 || result.timeouts > 0 || ok === 0 || ok !== result.requests.total) {
    const codes = byStatus.map(([code, n]) => `${code}: ${n}`).join(', ');
    throw new Error(`${url}: not every answer was a 200 (${codes}; non2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, requests ${result.requests.total})`);
  }
}

function probe(path: '/livez' | '/readyz'): Scenario {
  return {
    name: `${path} under load (server CPU per request)`,
    ours: {
      label: 'overseer admin',
      n: 1,
      async run() {
        const { child, urls } = await startCli();
        const url = urls.get('admin endpoint listening')!;
        await untilReady(url); // a 503 under load would fail the run
        const m = await load(url + path, child.pid!);
        await stop(child);
        return m;
      },
    },
    baselines: [
      {
        label: 'bare node:http',
        n: 1,
        async run() {
          const child = spawn(process.execPath, ['-e', BARE], { stdio: ['ignore', 'pipe', 'inherit'] });
          const url = await new Promise<string>((resolve) => child.stdout!.on('data', (c: Buffer) => resolve(/"url":"([^"]+)"/.exec(c.toString())![1]!)));
          const m = await load(url + path, child.pid!);
          await stop(child);
          return m;
        },
      },
    ],
    targets: [{ baseline: 'bare node:http', text: '≥ 0.8× bare capacity (CPU per request ≤ 1.25×)', ok: within(1.25) }],
  };
}

export const scenarios: Scenario[] = [startup, probe('/livez'), probe('/readyz')];
