/**
 * The SQLite journal (better-sqlite3): one file, WAL, `synchronous=FULL` by default so a
 * committed batch survives power loss (`normal` may lose the last commits on power loss,
 * never on a process crash). Positions are the table's integer primary key, versions are
 * unique per stream, event ids are unique: the schema itself refuses gaps and duplicates.
 * It checks the file at open (quick_check) and, before each batch, that its path still names
 * the file it has open: SQLite keeps writing to an unlinked file, which would acknowledge lies.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { storedEvent } from './stored-event.js';
import type { StoredEvent, StreamInfo } from '../model.js';
import { applyBatch, type AppendOutcome, type BatchWriter, type Journal } from './journal.js';

export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteOptions {
  /** `quick`: PRAGMA quick_check at open, refusing a corrupt file. */
  readonly integrityCheck?: 'quick' | 'off';
  /** The check runs only when file + WAL are at most this many bytes. */
  readonly integrityCheckMaxBytes?: number;
}

/** What the open check did, for the log. */
export interface OpenCheck {
  readonly check: 'quick_check' | 'skipped' | 'off';
  readonly bytes: number;
  readonly ms: number;
}

/**
 * The journal's path no longer names the file it has open (deleted, directory removed,
 * replaced). `code` so storage-fault classification treats it like SQLite's own codes.
 */
export class JournalFileGoneError extends Error {
  readonly code = 'OVERSEER_JOURNAL_FILE_GONE';
  constructor(
    readonly file: string,
    readonly state: 'missing' | 'directory_missing' | 'replaced',
  ) {
    super(
      state === 'replaced'
        ? `${file} was replaced by another file while open; restart persistence to use it`
        : state === 'directory_missing'
          ? `the data directory ${dirname(file)} vanished; recreate (or remount) it`
          : `${file} vanished (deleted while open)`,
    );
  }
}

/** Where the journal's path stands against the file this connection has open. */
export type FileState = 'same' | JournalFileGoneError['state'];

const SCHEMA_VERSION = 1;
const VERSION_CACHE_LIMIT = 100_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id       TEXT    NOT NULL UNIQUE,
  stream   TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  time     TEXT    NOT NULL,
  UNIQUE (stream, version)
)`;

interface Row {
  position: number;
  id: string;
  stream: string;
  version: number;
  type: string;
  data: string;
  metadata: string;
  time: string;
}

/** A row that does not parse, or lies outside the JSON bounds, reads as the event without its data (never a failed page). */
const toEvent = (r: Row): StoredEvent => storedEvent(r, r.data, r.metadata);

export class SqliteJournal implements Journal {
  readonly backend = 'sqlite';
  private readonly db: Db;
  private lastPosition: number;
  /**
   * Committed stream versions, so an append needs no MAX(version) query (one per append was
   * 10 % of the append path). Versions written by the open transaction live in `pending`
   * until it commits. Bounded: cleared when it grows past VERSION_CACHE_LIMIT streams.
   */
  private readonly versions = new Map<string, number>();
  private pending = new Map<string, number>();
  private readonly stmt: {
    insert: Statement;
    version: Statement<[string], { v: number | null }>;
    byId: Statement<[string], { stream: string; version: number; position: number }>;
    forward: Statement<[string, number, number], Row>;
    backward: Statement<[string, number, number], Row>;
    all: Statement<[number, number], Row>;
    after: Statement<[string, number], { v: number | null }>;
    streams: Statement<[string, number], StreamInfo>;
  };
  private readonly transaction: (commands: Parameters<Journal['appendBatch']>[0], time: string) => { outcomes: AppendOutcome[]; head: number };

  /** The file's identity when opened: a different dev/ino at the path later means it was replaced. */
  private readonly identity: { dev: number; ino: number };
  readonly openCheck: OpenCheck;

  /** Opens (creating if needed) and checks the database; throws a clear error when it cannot. */
  constructor(
    readonly file: string,
    synchronous: SqliteSynchronous = 'full',
    options: SqliteOptions = {},
  ) {
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      this.db.pragma('busy_timeout = 5000');
      this.openCheck = this.integrityCheck(file, options);
      this.migrate(file);
      const { dev, ino } = statSync(file);
      this.identity = { dev, ino };
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.stmt = {
      insert: db.prepare('INSERT INTO events (position, id, stream, version, type, data, metadata, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      version: db.prepare('SELECT MAX(version) AS v FROM events WHERE stream = ?'),
      byId: db.prepare('SELECT stream, version, position FROM events WHERE id = ?'),
      forward: db.prepare('SELECT * FROM events WHERE stream = ? AND version >= ? ORDER BY version LIMIT ?'),
      backward: db.prepare('SELECT * FROM events WHERE stream = ? AND version <= ? ORDER BY version DESC LIMIT ?'),
      all: db.prepare('SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?'),
      after: db.prepare('SELECT MIN(version) AS v FROM events WHERE stream = ? AND position > ?'),
      streams: db.prepare(
        'SELECT stream, MAX(version) AS version, MAX(position) AS position FROM events WHERE stream > ? GROUP BY stream ORDER BY stream LIMIT ?',
      ),
    };
    this.lastPosition = (db.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number | null }).p ?? 0;
    const writer: BatchWriter = {
      streamVersion: (stream) => this.pending.get(stream) ?? this.committedVersion(stream),
      findById: (id) => this.stmt.byId.get(id),
      insert: (e) => {
        this.stmt.insert.run(e.position, e.id, e.stream, e.version, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.time);
        this.pending.set(e.stream, e.version);
      },
    };
    this.transaction = db.transaction((commands, time: string) => applyBatch(writer, commands, this.lastPosition, time));
  }

  appendBatch(commands: Parameters<Journal['appendBatch']>[0], time: string): AppendOutcome[] {
    // One stat per batch (microseconds, batches are group commits): a commit into an unlinked
    // file would be acknowledged and then lost. Nothing of the batch is written when it throws.
    const state = this.fileState();
    if (state !== 'same') throw new JournalFileGoneError(this.file, state);
    let result: { outcomes: AppendOutcome[]; head: number };
    try {
      result = this.transaction(commands, time); // BEGIN … COMMIT (fsync), or ROLLBACK and throw
    } catch (error) {
      this.pending = new Map(); // rolled back: nothing it wrote exists
      throw error;
    }
    if (this.versions.size + this.pending.size > VERSION_CACHE_LIMIT) this.versions.clear();
    for (const [stream, version] of this.pending) this.versions.set(stream, version);
    this.pending = new Map();
    this.lastPosition = result.head;
    return result.outcomes;
  }

  readStream(stream: string, from: number, limit: number, direction: 'forward' | 'backward'): StoredEvent[] {
    return (direction === 'forward' ? this.stmt.forward : this.stmt.backward).all(stream, from, limit).map(toEvent);
  }

  readAll(from: number, limit: number): StoredEvent[] {
    return this.stmt.all.all(from, limit).map(toEvent);
  }

  streamVersion(stream: string): number {
    return this.committedVersion(stream);
  }

  /** Outside a transaction, or inside one for a stream it has not written yet: committed data. */
  private committedVersion(stream: string): number {
    let version = this.versions.get(stream);
    if (version === undefined) {
      version = this.stmt.version.get(stream)?.v ?? -1;
      if (version >= 0) this.versions.set(stream, version);
    }
    return version;
  }

  firstVersionAfter(stream: string, position: number): number {
    return this.stmt.after.get(stream, position)?.v ?? this.streamVersion(stream) + 1;
  }

  head(): number {
    return this.lastPosition;
  }

  listStreams(after: string, limit: number): StreamInfo[] {
    return this.stmt.streams.all(after, limit);
  }

  /** PRAGMA synchronous as this connection runs it (per connection): 2 = FULL, 1 = NORMAL. */
  get synchronous(): number {
    return this.db.pragma('synchronous', { simple: true }) as number;
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Does the journal's path still name the file this connection writes? */
  fileState(): FileState {
    const now = statSync(this.file, { throwIfNoEntry: false });
    if (now === undefined) return statSync(dirname(this.file), { throwIfNoEntry: false }) === undefined ? 'directory_missing' : 'missing';
    return now.dev === this.identity.dev && now.ino === this.identity.ino ? 'same' : 'replaced';
  }

  /**
   * A small write transaction (one row in a table of its own), committed like an append: it
   * succeeds only when the file can take a commit again (space, writable, no I/O error).
   */
  probeWrite(time: string): void {
    const state = this.fileState();
    if (state !== 'same') throw new JournalFileGoneError(this.file, state);
    this.db.transaction(() => {
      this.db.exec('CREATE TABLE IF NOT EXISTS overseer_probe (id INTEGER PRIMARY KEY, time TEXT NOT NULL)');
      this.db.prepare('INSERT OR REPLACE INTO overseer_probe (id, time) VALUES (1, ?)').run(time);
    })();
  }

  /**
   * After the path lost the file: copies everything this connection still reads (the unlinked
   * file and its WAL) to `this.file` again, durably, and closes this connection. The copy is
   * written beside it and renamed, so the path never names a half-written file. Orphaned
   * `-wal`/`-shm` names of the lost file are removed first: SQLite would replay them into the copy.
   */
  rescueAndClose(): void {
    const tmp = `${this.file}.rescue`;
    rmSync(tmp, { force: true });
    this.db.prepare('VACUUM INTO ?').run(tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // Close before the new file has a WAL: closing checkpoints and unlinks `<file>-wal` by name.
    this.close();
    rmSync(`${this.file}-wal`, { force: true });
    rmSync(`${this.file}-shm`, { force: true });
    renameSync(tmp, this.file);
    const dir = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /**
   * Finishes a rescue that failed after closing the old connection (the copy is complete and
   * fsynced at `<file>.rescue`): moves it into place, so the next open finds the events, not an
   * empty new journal. No-op when there is nothing to finish.
   */
  static finishRescue(file: string): void {
    const tmp = `${file}.rescue`;
    if (statSync(file, { throwIfNoEntry: false }) !== undefined || statSync(tmp, { throwIfNoEntry: false }) === undefined) return;
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    renameSync(tmp, file);
  }

  /** PRAGMA quick_check, bounded by size; throws naming the file and the check when it fails. */
  private integrityCheck(file: string, options: SqliteOptions): OpenCheck {
    const bytes = (statSync(file, { throwIfNoEntry: false })?.size ?? 0) + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    if (options.integrityCheck === 'off') return { check: 'off', bytes, ms: 0 };
    if (bytes > (options.integrityCheckMaxBytes ?? Number.POSITIVE_INFINITY)) return { check: 'skipped', bytes, ms: 0 };
    const started = performance.now();
    let problems: string[];
    try {
      problems = (this.db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
    } catch (error) {
      problems = [(error as Error).message]; // a page too damaged for the check to go on
    }
    const ms = Math.round(performance.now() - started);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new Error(`${file} failed PRAGMA quick_check (${ms} ms): ${problems.slice(0, 3).join('; ').slice(0, 500)}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`);
    }
    return { check: 'quick_check', bytes, ms };
  }

  private migrate(file: string): void {
    const found = this.db.pragma('user_version', { simple: true }) as number;
    if (found > SCHEMA_VERSION) throw new Error(`${file}: schema version ${found} was written by a newer overseer (this one reads ${SCHEMA_VERSION})`);
    this.db.exec(SCHEMA);
    if (found < SCHEMA_VERSION) this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }
}

/**
 * A short reason when `error` says the storage failed (not the request): disk full,
 * read-only, I/O error, cannot open, corrupt, the file gone. Undefined for anything else
 * (a bug, a constraint), which stays a crash. The reason goes into `not_ready` and /readyz.
 */
export function storageFaultReason(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const message = (error as Error).message;
  // A Node fs call on the journal's path (the per-batch stat, a rescue): EIO, ENOSPC, EROFS…
  if (typeof (error as { syscall?: unknown }).syscall === 'string') return `file system: ${message}`;
  const kind =
    code === 'SQLITE_FULL'
      ? 'disk full'
      : code.startsWith('SQLITE_READONLY')
        ? 'read-only'
        : code.startsWith('SQLITE_IOERR')
          ? 'I/O error'
          : code.startsWith('SQLITE_CANTOPEN')
            ? 'cannot open'
            : isCorruption(error)
              ? 'corrupt'
              : code === 'OVERSEER_JOURNAL_FILE_GONE'
                ? 'journal file gone'
                : undefined;
  return kind === undefined ? undefined : `${kind}: ${code === 'OVERSEER_JOURNAL_FILE_GONE' ? '' : `${code} `}${message}`;
}

/** SQLite found a damaged page or a file that is not a database. */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
