/**
 * Event-store benchmarks (issue 5): durable appends from 64 concurrent writers through the
 * actors (group commit) against raw better-sqlite3 with one transaction per event and with
 * 64 events per transaction, all at synchronous=FULL on the same disk; stream and $all reads
 * against raw SELECTs of the same rows; HTTP appends (autocannon, loopback) against the
 * direct store API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { eventStore, startSystem } from '../../dist/index.js';
import { newEventId } from '../../dist/eventstore/event-id.js';
import { cpuMicros, startCli, stopCli } from './cli-process.js';
import type { Measurement, Scenario } from './harness.js';

const WRITERS = 64;
const within = (x: number) => (r: number) => r <= x;
const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), 'overseer-bench-')), name);

async function storeSystem() {
  const system = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'bench' },
      spec: {
        node: 'bench',
        dataDir: tmp('data'),
        children: [
          { id: 'persistence', behaviour: 'persistence', params: { synchronous: 'full' } },
          { id: 'notification', behaviour: 'notification' },
          { id: 'store', behaviour: 'store' },
        ],
      },
    },
    admin: false,
    env: {},
  });
  await system.ready({ timeoutMs: 10_000 });
  return { system, store: eventStore(system) };
}

/** A raw table like the journal's, in WAL with synchronous=FULL. */
function rawDb() {
  const db = new Database(tmp('raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, time TEXT NOT NULL, UNIQUE (stream, version))');
  const insert = db.prepare('INSERT INTO events (id, stream, version, type, data, metadata, time) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // The same events as the store writes: same ids (UUIDv7), same JSON, same columns.
  const row = (w: number, v: number) => insert.run(newEventId(), `w-${w}`, v, 'written', JSON.stringify({ w, v }), '{}', new Date().toISOString());
  return { db, row };
}

const data = (w: number, v: number) => ({ type: 'written', data: { w, v } });

function appendScenario(): Scenario {
  let sys: Awaited<ReturnType<typeof storeSystem>> | undefined;
  const versions = new Array<number>(WRITERS).fill(0);
  return {
    name: `durable append, ${WRITERS} concurrent writers (per event)`,
    ours: {
      label: 'overseer store (group commit)',
      n: WRITERS * 40,
      async run(n) {
        sys ??= await storeSystem();
        const { store } = sys;
        await Promise.all(
          Array.from({ length: WRITERS }, async (_, w) => {
            for (let i = 0; i < n / WRITERS; i++) await store.append(`w-${w}`, [data(w, versions[w]!)], { expectedVersion: versions[w]! - 1 }).then(() => versions[w]!++);
          }),
        );
      },
    },
    baselines: [
      {
        label: 'better-sqlite3, 1 transaction per event',
        n: 100,
        run(n) {
          const { db, row } = rawDb();
          const t0 = process.hrtime.bigint();
          for (let i = 0; i < n; i++) row(i % WRITERS, Math.floor(i / WRITERS));
          const value = Number(process.hrtime.bigint() - t0) / n;
          db.close();
          return { value, unit: 'ns' } satisfies Measurement;
        },
      },
      {
        label: `better-sqlite3, ${WRITERS} events per transaction`,
        n: WRITERS * 40,
        run(n) {
          const { db, row } = rawDb();
          const batch = db.transaction((b: number) => {
            for (let w = 0; w < WRITERS; w++) row(w, b);
          });
          const t0 = process.hrtime.bigint();
          for (let b = 0; b < n / WRITERS; b++) batch(b);
          const value = Number(process.hrtime.bigint() - t0) / n;
          db.close();
          return { value, unit: 'ns' } satisfies Measurement;
        },
      },
    ],
    targets: [
      { baseline: 'better-sqlite3, 1 transaction per event', text: '≥ 10× the rate (time ≤ 0.1×)', ok: within(0.1) },
      { baseline: `better-sqlite3, ${WRITERS} events per transaction`, text: '≥ 0.5× the rate (time ≤ 2×)', ok: within(2) },
    ],
  };
}

const READ_ROWS = 1000;

function readScenario(kind: 'stream' | '$all'): Scenario {
  let fixture: { store: ReturnType<typeof eventStore>; raw: Database.Database } | undefined;
  const setup = async () => {
    if (fixture) return fixture;
    const { system, store } = await storeSystem();
    for (let b = 0; b < READ_ROWS / 100; b++) await store.append('read-me', Array.from({ length: 100 }, (_, i) => data(b, i)));
    const file = join(system.spec.dataDir, 'events.db');
    fixture = { store, raw: new Database(file, { readonly: true }) };
    return fixture;
  };
  return {
    name: `read ${kind === 'stream' ? 'a stream' : '$all'}, pages of ${READ_ROWS} (per event)`,
    ours: {
      label: 'overseer store',
      n: READ_ROWS * 20,
      async run(n) {
        const { store } = await setup();
        for (let i = 0; i < n / READ_ROWS; i++) {
          const page = kind === 'stream' ? (await store.read('read-me', { limit: READ_ROWS })).events : (await store.readAll({ limit: READ_ROWS })).events;
          if (page.length !== READ_ROWS) throw new Error(`read ${page.length} rows`);
        }
      },
    },
    baselines: [
      {
        label: 'better-sqlite3 SELECT + JSON.parse',
        n: READ_ROWS * 20,
        async run(n) {
          const { raw } = await setup();
          const stmt = kind === 'stream' ? raw.prepare('SELECT * FROM events WHERE stream = ? AND version >= 0 ORDER BY version LIMIT ?') : raw.prepare('SELECT * FROM events WHERE position >= 1 ORDER BY position LIMIT ?');
          for (let i = 0; i < n / READ_ROWS; i++) {
            const rows = (kind === 'stream' ? stmt.all('read-me', READ_ROWS) : stmt.all(READ_ROWS)) as { data: string; metadata: string }[];
            for (const r of rows) {
              JSON.parse(r.data);
              JSON.parse(r.metadata);
            }
          }
        },
      },
      {
        label: 'better-sqlite3 SELECT (rows only)',
        n: READ_ROWS * 20,
        async run(n) {
          const { raw } = await setup();
          const stmt = kind === 'stream' ? raw.prepare('SELECT * FROM events WHERE stream = ? AND version >= 0 ORDER BY version LIMIT ?') : raw.prepare('SELECT * FROM events WHERE position >= 1 ORDER BY position LIMIT ?');
          for (let i = 0; i < n / READ_ROWS; i++) if (kind === 'stream') stmt.all('read-me', READ_ROWS);
          else stmt.all(READ_ROWS);
        },
      },
    ],
    targets: [{ baseline: 'better-sqlite3 SELECT (rows only)', text: '≥ 0.5× raw reads (time ≤ 2×)', ok: within(2) }],
  };
}


/**
 * Server CPU per append: HTTP (the CLI in a child process, loaded by autocannon from here)
 * against the direct store API in this process. CPU, not elapsed time, because on a 2-core
 * machine autocannon itself needs a core: its throughput bounds the HTTP rate, not the server.
 */
const BARE_POST = `require('node:http').createServer((q, s) => { let b = ''; q.on('data', (c) => (b += c)); q.on('end', () => { JSON.parse(b); const body = JSON.stringify({ nextExpectedVersion: 0, position: 1 }); s.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); s.end(body); }); }).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });`;

function httpScenario(): Scenario {
  let direct: Awaited<ReturnType<typeof storeSystem>> | undefined;
  return {
    name: `append over HTTP vs direct, ${WRITERS} concurrent clients (server CPU per append)`,
    ours: {
      label: 'gateway (autocannon, loopback)',
      n: 1,
      async run() {
        const { child, urls } = await startCli('gateway listening');
        const url = urls.get('gateway listening')!;
        const cpu0 = cpuMicros(child.pid!);
        const result = await autocannon({
          url: `${url}/api/v1/streams/http-bench`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: [{ type: 'written', data: { via: 'http' } }] }),
          connections: WRITERS,
          duration: 3,
        });
        const cpu = cpuMicros(child.pid!) - cpu0;
        await stopCli(child);
        if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
        const note = `${Math.round(result.requests.average)} appends/s, p99 ${result.latency.p99} ms`;
        return { value: (cpu * 1000) / result.requests.total, unit: 'ns', note } satisfies Measurement;
      },
    },
    baselines: [
      {
        label: 'direct store API (in process)',
        n: 1,
        async run() {
          direct ??= await storeSystem();
          const { store } = direct;
          const latencies: number[] = [];
          const deadline = Date.now() + 3000;
          const cpu0 = process.cpuUsage();
          await Promise.all(
            Array.from({ length: WRITERS }, async () => {
              while (Date.now() < deadline) {
                const t0 = process.hrtime.bigint();
                await store.append('direct-bench', [{ type: 'written', data: { via: 'direct' } }]);
                latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
              }
            }),
          );
          const used = process.cpuUsage(cpu0);
          latencies.sort((a, b) => a - b);
          const note = `${Math.round(latencies.length / 3)} appends/s, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms`;
          return { value: ((used.user + used.system) * 1000) / latencies.length, unit: 'ns', note } satisfies Measurement;
        },
      },
      {
        // The floor of any HTTP append: parse the JSON body, answer 201 JSON, store nothing.
        label: 'bare node:http POST, no store (child process)',
        n: 1,
        async run() {
          const child = spawn(process.execPath, ['-e', BARE_POST], { stdio: ['ignore', 'pipe', 'inherit'] });
          const url = await new Promise<string>((resolve) => child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())));
          const cpu0 = cpuMicros(child.pid!);
          const result = await autocannon({ url: `${url}/x`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ type: 'written', data: {} }] }), connections: WRITERS, duration: 3 });
          const cpu = cpuMicros(child.pid!) - cpu0;
          await stopCli(child);
          return { value: (cpu * 1000) / result.requests.total, unit: 'ns', note: `${Math.round(result.requests.average)} requests/s` } satisfies Measurement;
        },
      },
    ],
    targets: [{ baseline: 'direct store API (in process)', text: 'HTTP costs ≤ 2× the direct path (server CPU)', ok: within(2) }],
  };
}

export const scenarios: Scenario[] = [appendScenario(), readScenario('stream'), readScenario('$all'), httpScenario()];
