/**
 * The workflows database: its own SQLite file in the system's dataDir (default
 * workflows.db), beside the journal rather than inside it. The journal's file belongs to
 * persistence alone (its schema version, its integrity check, its rescue of a vanished file),
 * and queue writes would contend with group commits for SQLite's single write lock. What is
 * here is working state the execution log can rebuild (see engine/recovery.ts), so it runs
 * at synchronous=NORMAL: a process crash loses nothing, a power loss at most the last commits.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  id           TEXT PRIMARY KEY,
  execution    TEXT NOT NULL,
  payload      TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('ready', 'leased', 'dead')),
  available_at INTEGER NOT NULL,
  deliveries   INTEGER NOT NULL DEFAULT 0,
  token        TEXT,
  owner        TEXT,
  worker       TEXT,
  lease_until  INTEGER,
  last_error   TEXT
);
CREATE INDEX IF NOT EXISTS tasks_ready ON tasks (state, available_at);
CREATE INDEX IF NOT EXISTS tasks_execution ON tasks (execution);
CREATE TABLE IF NOT EXISTS executions (
  id         TEXT PRIMARY KEY,
  playbook   TEXT NOT NULL,
  digest     TEXT NOT NULL,
  position   INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS playbooks (
  digest        TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  definition    TEXT NOT NULL,
  file          TEXT,
  registered_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
)`;

/** Opens (creating if needed) the database at `file` (`:memory:` for tests). */
export function openWorkflowsDb(file: string, synchronous: 'normal' | 'full' = 'normal'): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
    const found = db.pragma('user_version', { simple: true }) as number;
    if (found > SCHEMA_VERSION) throw new Error(`${file}: schema version ${found} was written by a newer overseer (this one reads ${SCHEMA_VERSION})`);
    db.exec(SCHEMA);
    if (found < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    throw new Error(`cannot open the workflows database ${file}: ${(error as Error).message}`, { cause: error });
  }
  return db;
}

/**
 * Writes to the workflows database commit together, once per turn of the event loop: a
 * transaction opens with the first write and commits on the next turn (setImmediate). Reads
 * on this connection see the writes at once; a process crash loses at most the writes of the
 * last turn, which recovery rebuilds from the execution log like any other loss here. One
 * commit per task operation cost ~90 µs each (WAL frames for the table and its indexes).
 */
export class DeferredCommit {
  private pending = false;

  constructor(private readonly db: Db) {}

  /** Call before a write: it joins the transaction of this turn. */
  begin(): void {
    if (this.pending || this.db.inTransaction) return;
    this.db.exec('BEGIN');
    this.pending = true;
    setImmediate(() => this.commit());
  }

  /** Commits now (before closing the database, or to read what another connection will see). */
  commit(): void {
    if (!this.pending) return;
    this.pending = false;
    if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
  }
}

const deferred = new WeakMap<Db, DeferredCommit>();

/** The one DeferredCommit of a connection (the queue and the index share its transaction). */
export function deferredCommit(db: Db): DeferredCommit {
  let d = deferred.get(db);
  if (!d) deferred.set(db, (d = new DeferredCommit(db)));
  return d;
}
