/**
 * Storage faults at run time (issue 18 item 2): a full disk, a vanished data directory and a
 * read-only one must not crash persistence. It answers appends 503, goes not ready with the
 * reason, keeps serving reads, recovers by itself, and loses nothing it acknowledged.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { System } from '../../src/system/system.js';
import { nextEvent, startStoreSystem } from '../support/eventstore.js';
import { restarted } from './hostile-http.js';

/** Mounting needs root (or CAP_SYS_ADMIN); found out once, by trying. */
const canMount = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'overseer-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
/** Said in the test name when it is skipped, so the report tells why. */
const NO_MOUNT = canMount ? '' : ' [skipped: mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)]';

const mount = (dir: string, options: string) => execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
const umount = (dir: string) => execFileSync('umount', ['-l', dir], { stdio: 'pipe' });

const append = (url: string, stream: string, data: unknown) =>
  fetch(`${url}/api/v1/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ type: 't', data }] }) });

/** Polls `probe` until `done` holds: bounded (a failure names what it last saw), no fixed sleep. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    last = await probe();
  }
  return last;
}

const readyz = async (system: System) => {
  const res = await fetch(`${system.adminUrl}/readyz?verbose`);
  return { status: res.status, text: await res.text() };
};

/** Every event of `stream`, through the gateway. */
const readStream = async (url: string, stream: string) => {
  const res = await fetch(`${url}/api/v1/streams/${stream}?limit=1000`);
  return { status: res.status, events: res.status === 200 ? ((await res.json()) as { events: { data: unknown; position: number }[] }).events : [] };
};

/** Appends `count` events one by one; returns the data of those acknowledged (201). */
async function appendAcknowledged(url: string, stream: string, from: number, count: number): Promise<number[]> {
  const acked: number[] = [];
  for (let i = from; i < from + count; i++) if ((await append(url, stream, { i })).status === 201) acked.push(i);
  return acked;
}

const persistenceInfo = (system: System) => system.status().children!.find((c) => c.id === 'persistence')!.info!;

describe('disk full crashes persistence', () => {
  it.skipIf(!canMount)(`a full tmpfs: appends 503 store_unavailable with Retry-After, /readyz names the reason, reads go on; freeing space recovers without a restart${NO_MOUNT}`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-full-'));
    mount(dataDir, 'size=4m');
    let system: System | undefined;
    try {
      const started = await startStoreSystem({ backend: 'sqlite', admin: true, dataDir, persistence: { recoveryProbeMs: 20 } });
      system = started.system;
      const { url } = started;
      const acked = await appendAcknowledged(url, 'acked', 0, 20);
      expect(acked).toHaveLength(20);

      // Fill the disk to the last byte: big writes, then small ones, until ENOSPC each time.
      const filler = join(dataDir, 'filler');
      const fd = openSync(filler, 'w');
      for (const size of [64 * 1024, 4096, 1]) {
        const chunk = Buffer.alloc(size, 1);
        try {
          for (;;) writeSync(fd, chunk);
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
      }
      closeSync(fd);

      const refused = await append(url, 'acked', { big: 'x'.repeat(8000) });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { type: string }).type).toBe('urn:overseer:problem:store_unavailable');
      // Refused at once while degraded, even a small one.
      expect((await append(url, 'acked', { small: true })).status).toBe(503);

      const degraded = await until(() => readyz(system!), (r) => r.status === 503);
      expect(degraded.text).toMatch(/\[-\]root\/persistence not ready: disk full: SQLITE_FULL/);
      expect((await readStream(url, 'acked')).status).toBe(200);
      expect((await readStream(url, 'acked')).events.map((e) => e.data)).toEqual(acked.map((i) => ({ i })));
      expect(persistenceInfo(system)).toMatchObject({ unavailable: expect.stringMatching(/^disk full/), storageFaults: 1 });

      unlinkSync(filler);
      await until(() => readyz(system!), (r) => r.status === 200);
      const after = await appendAcknowledged(url, 'acked', 20, 5);
      expect(after).toHaveLength(5);
      expect((await readStream(url, 'acked')).events.map((e) => e.data)).toEqual([...acked, ...after].map((i) => ({ i })));
      expect(restarted(system.status())).toEqual([]);
      expect(persistenceInfo(system)).toMatchObject({ recoveries: 1, storageFaults: 1 });
      expect(persistenceInfo(system).unavailable).toBeUndefined();
    } finally {
      await system?.stop();
      umount(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('vanished data directory acknowledges into an unlinked file', () => {
  it('rm -rf of the data directory: appends 503, not ready, reads go on; recreating the directory recovers with every acknowledged event', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'overseer-vanish-'));
    const dataDir = join(parent, 'data');
    const started = await startStoreSystem({ backend: 'sqlite', admin: true, dataDir, persistence: { recoveryProbeMs: 20 } });
    const { system, url } = started;
    try {
      const acked = await appendAcknowledged(url, 'acked', 0, 30);
      expect(acked).toHaveLength(30);
      const failed = nextEvent(system, 'subsystem_failed');
      rmSync(dataDir, { recursive: true, force: true });

      // SQLite would commit this into the unlinked file: acknowledging it would be the lie.
      const refused = await append(url, 'acked', { lost: true });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { type: string }).type).toBe('urn:overseer:problem:store_unavailable');
      const degraded = await until(() => readyz(system), (r) => r.status === 503);
      expect(degraded.text).toContain(`[-]root/persistence not ready: journal file gone: the data directory ${dataDir} vanished; recreate (or remount) it`);
      expect((await failed).data).toEqual({ system: 'root/persistence', reason: `journal file gone: the data directory ${dataDir} vanished; recreate (or remount) it` });
      // Reads are served from the open (unlinked) file: nothing acknowledged is missing.
      expect((await readStream(url, 'acked')).events.map((e) => e.data)).toEqual(acked.map((i) => ({ i })));
      // Persistence does not recreate the directory (a vanished mount must not become an empty
      // journal): the probes after this one still find it missing.
      expect(persistenceInfo(system).recoveries).toBe(0);
      await until(async () => (await append(url, 'acked', { lost: true })).status, (s) => s === 503);
      expect(existsSync(dataDir)).toBe(false);

      mkdirSync(dataDir);
      await until(() => readyz(system), (r) => r.status === 200);
      const after = await appendAcknowledged(url, 'acked', 30, 3);
      expect(after).toHaveLength(3);
      const events = (await readStream(url, 'acked')).events;
      expect(events.map((e) => e.data)).toEqual([...acked, ...after].map((i) => ({ i })));
      expect(events.map((e) => e.position)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1)); // positions go on, no restart from 1
      expect(restarted(system.status())).toEqual([]);
    } finally {
      await system.stop();
    }
    // On disk, in the recreated directory: every acknowledged event, none of the refused one.
    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    const rows = db.prepare("SELECT data FROM events WHERE stream = 'acked' ORDER BY position").all() as { data: string }[];
    db.close();
    expect(rows.map((r) => JSON.parse(r.data) as unknown)).toEqual(Array.from({ length: 33 }, (_, i) => ({ i })));
    rmSync(parent, { recursive: true, force: true });
  });
});

describe('read-only data directory crashes persistence', () => {
  it.skipIf(!canMount)(`the data mount is replaced by a read-only one: not ready naming read-only; remounted rw, it recovers with every acknowledged event${NO_MOUNT}`, async () => {
    const parent = mkdtempSync(join(tmpdir(), 'overseer-ro-'));
    const dataDir = join(parent, 'data');
    mkdirSync(dataDir);
    mount(dataDir, 'size=8m');
    let system: System | undefined;
    try {
      const started = await startStoreSystem({ backend: 'sqlite', admin: true, dataDir, persistence: { recoveryProbeMs: 20 } });
      system = started.system;
      const { url } = started;
      const acked = await appendAcknowledged(url, 'acked', 0, 10);
      expect(acked).toHaveLength(10);
      // A read-only remount of a filesystem with files open for writing is refused (EBUSY), so
      // the mount goes away under the open journal and an empty read-only one takes its place.
      umount(dataDir);
      mount(dataDir, 'ro,size=8m');

      expect((await append(url, 'acked', { lost: true })).status).toBe(503);
      const degraded = await until(() => readyz(system!), (r) => r.status === 503 && r.text.includes('read-only'));
      expect(degraded.text).toContain(`[-]root/persistence not ready: read-only: ${dataDir} (EROFS)`);
      expect((await readStream(url, 'acked')).events.map((e) => e.data)).toEqual(acked.map((i) => ({ i })));

      execFileSync('mount', ['-o', 'remount,rw', dataDir], { stdio: 'pipe' });
      await until(() => readyz(system!), (r) => r.status === 200);
      const after = await appendAcknowledged(url, 'acked', 10, 2);
      expect(after).toHaveLength(2);
      expect((await readStream(url, 'acked')).events.map((e) => e.data)).toEqual([...acked, ...after].map((i) => ({ i })));
      expect(restarted(system!.status())).toEqual([]);
    } finally {
      await system?.stop();
      umount(dataDir);
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
