/**
 * Event-store benchmarks (issue 5): durable appends from 64 concurrent writers through the
 * actors (group commit) against raw better-sqlite3 with one transaction per event and with
 * 64 events per transaction, all at synchronous=FULL on the same disk; stream and $all reads
 * against raw SELECTs of the same rows; HTTP appends (autocannon, loopback) against the
 * direct store API, each server in a child process with its CPU read from /proc. Systems start
 * through startSystem() / the CLI, so the control plane is in every tree.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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
      label: 'overseer eventStore(system).append (group commit)',
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
      label: `overseer eventStore(system).${kind === 'stream' ? 'read' : 'readAll'}`,
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
 * Server CPU per append, measured one way on every row: each server is a child process of
 * this one, and its CPU (user + system, from /proc/<pid>/stat) is read around a 3 s load
 * window. HTTP rows: the CLI (default system) or a bare node:http server, loaded by
 * autocannon from here. Direct row: the same default system started with startSystem() in a
 * child process that also runs the 64 writer loops (the direct API has no separate client).
 * CPU, not elapsed time: on a 2-core machine autocannon needs a core of its own.
 */
const BARE_POST = `require('node:http').createServer((q, s) => { let b = ''; q.on('data', (c) => (b += c)); q.on('end', () => { JSON.parse(b); const body = JSON.stringify({ nextExpectedVersion: 0, position: 1 }); s.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); s.end(body); }); }).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });`;
const LOAD_S = 3;
const DIRECT_CHILD = fileURLToPath(new URL('./direct-append-child.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Server CPU per request while autocannon POSTs `body` to `url`; any non-2xx answer fails the run. */
async function httpLoad(pid: number, url: string, body: string): Promise<{ cpuNs: number; total: number; result: autocannon.Result }> {
  const cpu0 = cpuMicros(pid);
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: WRITERS, duration: LOAD_S });
  const cpuNs = (cpuMicros(pid) - cpu0) * 1000;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  return { cpuNs, total: result.requests.total, result };
}

function httpScenario(): Scenario {
  return {
    name: `append over HTTP vs direct, ${WRITERS} concurrent clients (server CPU per append)`,
    ours: {
      label: 'gateway over HTTP (CLI child process, autocannon on loopback; /proc CPU)',
      n: 1,
      async run() {
        const { child, urls } = await startCli('gateway listening');
        const url = urls.get('gateway listening')!;
        try {
          const { cpuNs, total, result } = await httpLoad(child.pid!, `${url}/api/v1/streams/http-bench`, JSON.stringify({ events: [{ type: 'written', data: { via: 'http' } }] }));
          const note = `${Math.round(result.requests.average)} appends/s, p99 ${result.latency.p99} ms`;
          return { value: cpuNs / total, unit: 'ns', note } satisfies Measurement;
        } finally {
          await stopCli(child);
        }
      },
    },
    baselines: [
      {
        label: 'direct eventStore(system).append (startSystem child process, writers inside; /proc CPU)',
        n: 1,
        async run() {
          const dataDir = mkdtempSync(join(tmpdir(), 'overseer-bench-'));
          const child = spawn(process.execPath, [DIRECT_CHILD, String(WRITERS), String(LOAD_S * 1000), dataDir], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
          const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
          const exited = new Promise((r) => child.on('exit', r));
          try {
            if ((await lines.next()).value !== 'ready') throw new Error('direct-append child did not start');
            const cpu0 = cpuMicros(child.pid!);
            child.stdin!.write('go\n');
            const { appends, p99 } = JSON.parse((await lines.next()).value as string) as { appends: number; p99: number };
            const cpuNs = (cpuMicros(child.pid!) - cpu0) * 1000;
            const note = `${Math.round(appends / LOAD_S)} appends/s, p99 ${p99.toFixed(1)} ms`;
            return { value: cpuNs / appends, unit: 'ns', note } satisfies Measurement;
          } finally {
            child.stdin!.end();
            await exited;
          }
        },
      },
      {
        // The floor of any HTTP append: parse the JSON body, answer 201 JSON, store nothing.
        label: 'bare node:http POST, no store (child process, autocannon; /proc CPU)',
        n: 1,
        async run() {
          const child = spawn(process.execPath, ['-e', BARE_POST], { stdio: ['ignore', 'pipe', 'inherit'] });
          const url = await new Promise<string>((resolve) => child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())));
          try {
            const { cpuNs, total, result } = await httpLoad(child.pid!, `${url}/x`, JSON.stringify({ events: [{ type: 'written', data: {} }] }));
            return { value: cpuNs / total, unit: 'ns', note: `${Math.round(result.requests.average)} requests/s` } satisfies Measurement;
          } finally {
            await stopCli(child);
          }
        },
      },
    ],
    targets: [{ baseline: 'direct eventStore(system).append (startSystem child process, writers inside; /proc CPU)', text: 'HTTP costs ≤ 2× the direct path (server CPU)', ok: within(2) }],
  };
}

export const scenarios: Scenario[] = [appendScenario(), readScenario('stream'), readScenario('$all'), httpScenario()];
