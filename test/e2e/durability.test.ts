import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './cli.js';

interface Ack {
  id: string;
  stream: string;
  version: number;
  position: number;
}
interface Stored extends Ack {
  type: string;
}

async function startStore(dataDir: string) {
  const run = runCli(['start', '--port', '0', '--gateway-port', '0', '--data-dir', dataDir]);
  const url = (await run.waitForLine((l) => l.msg === 'gateway listening')).url as string;
  await run.waitForLine((l) => l.event === 'system_ready');
  return { run, url };
}

async function readAll(url: string): Promise<Stored[]> {
  const out: Stored[] = [];
  for (;;) {
    const page = (await (await fetch(`${url}/api/v1/all?from=${out.length + 1}&limit=4096`)).json()) as { events: Stored[] };
    out.push(...page.events);
    if (page.events.length < 4096) return out;
  }
}

describe('durability', () => {
  it('kill -9 in the middle of concurrent appends loses no acknowledged event; versions and positions stay gapless', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-durable-'));
    const first = await startStore(dataDir);
    onTestFinished(() => void first.run.child.kill('SIGKILL'));
    const acks: Ack[] = [];
    let killed = false;
    const client = async (c: number) => {
      const stream = `durable-${c}`;
      for (let version = 0; !killed; version++) {
        const id = `c${c}-v${version}`;
        try {
          const res = await fetch(`${first.url}/api/v1/streams/${stream}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ expectedVersion: version - 1, events: [{ id, type: 'written', data: { c, version } }] }),
          });
          const body = (await res.json()) as { nextExpectedVersion: number; position: number };
          expect(res.status).toBe(201);
          acks.push({ id, stream, version: body.nextExpectedVersion, position: body.position });
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const clients = Array.from({ length: 6 }, (_, c) => client(c));
    while (acks.length < 300) await new Promise<void>((r) => setImmediate(r));
    killed = true;
    first.run.child.kill('SIGKILL');
    expect(await first.run.exit).toBe(null); // died by the signal, no clean shutdown
    await Promise.all(clients);

    const second = await startStore(dataDir);
    onTestFinished(() => void second.run.child.kill('SIGKILL'));
    try {
      const stored = await readAll(second.url);
      const byId = new Map(stored.map((e) => [e.id, e]));
      const missing = acks.filter((a) => !byId.has(a.id));
      expect(missing).toEqual([]);
      for (const ack of acks) expect(byId.get(ack.id)).toMatchObject(ack);
      expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => i + 1));
      for (let c = 0; c < 6; c++) {
        const versions = stored.filter((e) => e.stream === `durable-${c}`).map((e) => e.version);
        expect(versions).toEqual(versions.map((_, i) => i));
      }
    } finally {
      second.run.child.kill('SIGTERM');
      expect(await second.run.exit).toBe(0);
    }
  });
});
