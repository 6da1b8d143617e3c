/**
 * A corrupt journal (issue 18 item 8): opening it with the quick check refuses it naming the
 * file and the check; with the check off, a read over the damaged pages answers 503
 * `store_corrupt` problem+json (never a 500), is counted, and the system stays up.
 */
import { closeSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import { openJournal } from '../../src/eventstore/journal/open.js';
import { SqliteJournal } from '../../src/eventstore/journal/sqlite.js';
import { persistenceParams } from '../../src/eventstore/persistence/params.js';
import type { System } from '../../src/system/system.js';
import { restarted } from './hostile-http.js';

const EVENTS = 3000;

/** A valid journal of EVENTS events in `dataDir`/events.db, closed, then a few middle pages overwritten with garbage. */
function corruptJournal(): { dataDir: string; file: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'overseer-corrupt-'));
  const file = join(dataDir, 'events.db');
  const journal = new SqliteJournal(file, 'normal');
  for (let i = 0; i < EVENTS; i += 100) {
    journal.appendBatch(
      Array.from({ length: 100 }, (_, k) => ({ stream: 's', expectedVersion: 'any' as const, events: [{ type: 't', data: { i: i + k, pad: 'p'.repeat(200) } }] })),
      new Date(0).toISOString(),
    );
  }
  journal.close(); // checkpoints the WAL into the file
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const pages = statSync(file).size / pageSize;
  const fd = openSync(file, 'r+');
  const garbage = Buffer.alloc(pageSize, 0xa5);
  for (let p = Math.floor(pages / 2); p < Math.floor(pages / 2) + 4; p++) writeSync(fd, garbage, 0, pageSize, p * pageSize);
  closeSync(fd);
  return { dataDir, file };
}

describe('corrupt journal opens silently', () => {
  it('opening it refuses with a reason naming the file and PRAGMA quick_check', () => {
    const { dataDir, file } = corruptJournal();
    expect(() => openJournal(persistenceParams.parse({}), dataDir, {})).toThrow(new RegExp(`^cannot open the journal ${file}: ${file} failed PRAGMA quick_check \\(\\d+ ms\\): `));
  });

  it('through the runtime: persistence fails to start with that reason and the system never gets ready', async () => {
    const { dataDir, file } = corruptJournal();
    const error = (await startLogged(dataDir, {}, 3000).catch((e: unknown) => e)) as Error & { lines: { event?: string; data?: { system?: string; reason?: string } }[] };
    expect(error.message).toContain(`"root/persistence": cannot open the journal ${file}: ${file} failed PRAGMA quick_check`);
    const failed = error.lines.filter((l) => l.event === 'subsystem_failed').map((l) => l.data);
    expect(failed[0]).toEqual({ system: 'root/persistence', reason: expect.stringContaining(`${file} failed PRAGMA quick_check`) });
    expect(error.lines.some((l) => l.event === 'system_ready')).toBe(false);
  });

  it('integrityCheckMaxBytes below the file size skips the check (a large journal still opens quickly)', () => {
    const { dataDir } = corruptJournal();
    const journal = openJournal(persistenceParams.parse({ integrityCheckMaxBytes: 1024 }), dataDir, {}) as SqliteJournal;
    expect(journal.openCheck).toMatchObject({ check: 'skipped' });
    journal.close();
  });
});

/** The event-store system on `dataDir` with its log lines captured (the store test helper logs nothing). */
async function startLogged(dataDir: string, persistence: Record<string, unknown>, readyTimeoutMs = 10_000) {
  const lines: { msg: string; path?: string; level: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  const children = [
    { id: 'persistence', behaviour: 'persistence', params: { backend: 'sqlite', ...persistence } },
    { id: 'notification', behaviour: 'notification' },
    { id: 'store', behaviour: 'store' },
    { id: 'cluster', behaviour: 'cluster' },
    { id: 'gateway', behaviour: 'gateway', params: { port: 0 } },
  ];
  const withLines = (error: unknown) => {
    throw Object.assign(error as Error, { lines });
  };
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'corrupt-test' }, spec: { node: 'n1', dataDir, strategy: 'one_for_one', children } },
    admin: { port: 0 },
    env: {},
    logger: pino({ level: 'info' }, sink),
  }).catch(withLines);
  running.push(system);
  await system.ready({ timeoutMs: readyTimeoutMs }).catch(withLines);
  const url = system.status().children!.find((c) => c.id === 'gateway')!.info!.url as string;
  return { system, url, lines };
}

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

describe('corrupt page read answers 500', () => {
  it('with integrityCheck off, reads over the damaged pages answer 503 store_corrupt problem+json, counted, logged once; the system stays alive', async () => {
    const { dataDir } = corruptJournal();
    const { url, system, lines } = await startLogged(dataDir, { integrityCheck: 'off' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/api/v1/all?from=1&limit=${EVENTS}`)));
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { type: string; detail: string };
      expect(body.type).toBe('urn:overseer:problem:store_corrupt');
      expect(body.detail).toContain('events.db is corrupt');
    }
    const stream = await fetch(`${url}/api/v1/streams/s?limit=${EVENTS}`);
    expect(stream.status).toBe(503);
    const persistence = system.status().children!.find((c) => c.id === 'persistence')!;
    expect(persistence.info).toMatchObject({ corruptReads: 6 });
    expect(lines.filter((l) => l.msg === 'journal read hit a corrupt page').map((l) => [l.path, l.level])).toEqual([['root/persistence', 50]]); // one per burst
    expect(restarted(system.status())).toEqual([]);
    expect((await fetch(`${system.adminUrl}/livez`)).status).toBe(200);
    // Reads that stay clear of the damage are served.
    expect((await fetch(`${url}/api/v1/all?from=1&limit=10`)).status).toBe(200);
  });
});
