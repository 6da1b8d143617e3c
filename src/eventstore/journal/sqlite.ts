/**
 * The SQLite journal (better-sqlite3): one file, WAL, `synchronous=FULL` by default so a
 * committed batch survives power loss (`normal` may lose the last commits on power loss,
 * never on a process crash). Positions are the table's integer primary key, versions are
 * unique per stream, event ids are unique: the schema itself refuses gaps and duplicates.
 */
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { storedEvent } from './stored-event.js';
import type { StoredEvent, StreamInfo } from '../model.js';
import { applyBatch, type AppendOutcome, type BatchWriter, type Journal } from './journal.js';

export type SqliteSynchronous = 'full' | 'normal';

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

  /** Opens (creating if needed) and checks the database; throws a clear error when it cannot. */
  constructor(file: string, synchronous: SqliteSynchronous = 'full') {
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      this.db.pragma('busy_timeout = 5000');
      this.migrate(file);
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

  close(): void {
    if (this.db.open) this.db.close();
  }

  private migrate(file: string): void {
    const found = this.db.pragma('user_version', { simple: true }) as number;
    if (found > SCHEMA_VERSION) throw new Error(`${file}: schema version ${found} was written by a newer overseer (this one reads ${SCHEMA_VERSION})`);
    this.db.exec(SCHEMA);
    if (found < SCHEMA_VERSION) this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }
}
