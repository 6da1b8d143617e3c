/**
 * Recovery (issue 18): time from killing one actor of the default system to `system_ready`
 * again, against the same system's cold start in the same run; and a `kill -9` of the whole
 * process until the restarted process answers /readyz 200 on the same data, against a fresh
 * start on an empty data directory. A writer appends throughout a kill, and the note says what
 * it was answered meanwhile (201, 503 store_unavailable, refused connections).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystem, type System } from '../../dist/index.js';
import type { Measurement, Scenario } from './harness.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/overseer.mjs', import.meta.url));
const DEFAULT = join(REPO, 'systems/default.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'overseer-recovery-'));

async function startDefault(dataDir = tmp()): Promise<System> {
  return startSystem({ spec: DEFAULT, admin: { port: 0 }, overrides: { dataDir, gatewayPort: 0 }, env: {} });
}

function gatewayUrl(system: System): string {
  const node = system.statusAt('root/gateway') as unknown as { info?: { url?: string } };
  const url = node?.info?.url;
  if (typeof url !== 'string') throw new Error('the gateway reports no url');
  return url;
}

/** Appends one event at a time until `stop()`, counting answers by status ('refused' for no connection). */
function writer(url: string, stop: () => boolean): Promise<Map<string, number>> {
  const answers = new Map<string, number>();
  const count = (k: string) => answers.set(k, (answers.get(k) ?? 0) + 1);
  return (async () => {
    while (!stop()) {
      const res = await fetch(`${url}/api/v1/streams/recovery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ type: 'tick', data: {} }] }) }).catch(() => undefined);
      if (res) {
        await res.arrayBuffer();
        count(String(res.status));
      } else {
        count('refused');
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    return answers;
  })();
}

const describeAnswers = (answers: Map<string, number>) => [...answers].map(([k, n]) => `${n}× ${k}`).join(', ');

function actorKill(id: string): Scenario {
  return {
    name: `kill root/${id} → system_ready again (default system)`,
    ours: {
      label: `kill root/${id}`,
      n: 1,
      async run(): Promise<Measurement> {
        const system = await startDefault();
        try {
          await system.ready({ timeoutMs: 10_000 });
          const url = gatewayUrl(system);
          const sub = system.events.subscribe(`recovery-${id}`, { types: ['system_ready'], buffer: 10 });
          let stop = false;
          const writing = writer(url, () => stop);
          await new Promise((r) => setTimeout(r, 20));
          const t0 = process.hrtime.bigint();
          system.kill(`root/${id}`);
          for await (const _ of sub) break;
          const ns = Number(process.hrtime.bigint() - t0);
          await new Promise((r) => setTimeout(r, 20));
          stop = true;
          const answers = await writing;
          sub.unsubscribe();
          return { value: ns, unit: 'ns', note: `writer meanwhile: ${describeAnswers(answers)}` };
        } finally {
          await system.stop();
        }
      },
    },
    baselines: [
      {
        label: 'cold start of the same system',
        n: 1,
        async run(): Promise<Measurement> {
          const t0 = process.hrtime.bigint();
          const system = await startDefault();
          await system.ready({ timeoutMs: 10_000 });
          const ns = Number(process.hrtime.bigint() - t0);
          await system.stop();
          return { value: ns, unit: 'ns' };
        },
      },
    ],
  };
}

/** Spawns `overseer start` on `dataDir`; resolves with the child once /readyz answers 200, and the time it took. */
async function startProcess(dataDir: string): Promise<{ child: ChildProcess; ns: number; admin: string; gateway: string }> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'start', DEFAULT, '--port', '0', '--gateway-port', '0', '--data-dir', dataDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const urls = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const m = /"url":"(http:\/\/[^"]+)".*"msg":"([^"]+)"/.exec(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (m) urls.set(m[2]!, m[1]!);
        if (urls.has('admin endpoint listening') && urls.has('gateway listening')) resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`overseer exited ${code}`)));
  });
  const admin = urls.get('admin endpoint listening')!;
  for (;;) {
    const res = await fetch(`${admin}/readyz`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  return { child, ns: Number(process.hrtime.bigint() - t0), admin, gateway: urls.get('gateway listening')! };
}

const exited = (child: ChildProcess) => new Promise((r) => child.on('exit', r));

const processKill: Scenario = {
  name: 'kill -9 of the process → restarted process ready on the same data (10k events)',
  ours: {
    label: 'restart after kill -9',
    n: 1,
    async run(): Promise<Measurement> {
      const dataDir = tmp();
      const first = await startProcess(dataDir);
      const events = Array.from({ length: 1000 }, () => ({ type: 'preload', data: { pad: 'x'.repeat(40) } }));
      for (let i = 0; i < 10; i++) await fetch(`${first.gateway}/api/v1/streams/preload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
      const gone = exited(first.child);
      first.child.kill('SIGKILL');
      await gone;
      const second = await startProcess(dataDir);
      const read = await fetch(`${second.gateway}/api/v1/streams/preload?limit=1&direction=backward`).then((r) => r.json() as Promise<{ version: number }>);
      if (read.version !== 9999) throw new Error(`after kill -9 the stream is at version ${read.version}, not 9999`);
      const done = exited(second.child);
      second.child.kill('SIGTERM');
      await done;
      return { value: second.ns, unit: 'ns', note: 'all 10,000 acknowledged events read back' };
    },
  },
  baselines: [
    {
      label: 'first start on an empty data directory',
      n: 1,
      async run(): Promise<Measurement> {
        const started = await startProcess(tmp());
        const done = exited(started.child);
        started.child.kill('SIGTERM');
        await done;
        return { value: started.ns, unit: 'ns' };
      },
    },
  ],
};

export const scenarios: Scenario[] = [...['persistence', 'notification', 'store', 'cluster', 'gateway'].map(actorKill), processKill];
