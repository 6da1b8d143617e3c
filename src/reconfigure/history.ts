/**
 * The params history (DESIGN §10): the last 50 effective changes per actor path, and the
 * values set through the admin API with the file value each overrode, so they can be
 * re-applied at the next start. One SQLite file, `{dataDir}/overseer-state.db`, opened lazily.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Params, ParamsSource } from './params.js';

export const STATE_FILE = 'overseer-state.db';
/** Entries kept per path; older ones are deleted as new ones come. */
export const HISTORY_LIMIT = 50;

export interface ParamsHistoryEntry {
  /** ISO 8601 */
  time: string;
  changed: Params;
  previous: Params;
  source: ParamsSource;
}

/** A key set through the API: its value (undefined: deleted) and what the file said then (undefined: absent). */
export interface ApiOverride {
  key: string;
  value: unknown;
  fileValue: unknown;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS params_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, time TEXT NOT NULL,
  source TEXT NOT NULL, changed TEXT NOT NULL, previous TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS params_history_path ON params_history (path, id);
CREATE TABLE IF NOT EXISTS params_overrides (
  path TEXT NOT NULL, key TEXT NOT NULL, value TEXT, file_value TEXT, PRIMARY KEY (path, key));
`;

const encode = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const decode = (v: string | null): unknown => (v === null ? undefined : JSON.parse(v));

export class ParamsHistory {
  private db: Db | undefined;
  /** Prepared once per open file: preparing per change cost as much as the write. */
  private statements: Record<'insert' | 'trim' | 'dropOverride' | 'setOverride', Statement> | undefined;
  /** The file could not be opened (read-only dataDir…): history lives in memory, overrides are not kept. */
  private memory: Map<string, ParamsHistoryEntry[]> | undefined;
  private readonly file: string;
  /** The system stopped: nothing opens the file again. */
  private closed = false;

  constructor(
    dataDir: string,
    private readonly onUnavailable: (error: unknown) => void = () => undefined,
  ) {
    this.file = join(dataDir, STATE_FILE);
  }

  /** At start: opens the file only if an earlier run left one (a system that never changed params writes nothing). */
  openIfExists(): void {
    if (!this.closed && this.db === undefined && this.memory === undefined && existsSync(this.file)) this.open();
  }

  append(path: string, entry: ParamsHistoryEntry): void {
    if (this.closed) return;
    const db = this.open();
    if (!db) return this.remember(path, entry);
    db.transaction(() => this.insert(path, entry))();
  }

  /**
   * One effective change: its history entry and what it means for restarts (recordOverrides),
   * in one transaction, so one commit per update.
   */
  record(path: string, entry: ParamsHistoryEntry, fileParams: Readonly<Params>): void {
    if (this.closed) return;
    const db = this.open();
    if (!db) return this.remember(path, entry);
    db.transaction(() => {
      this.insert(path, entry);
      this.override(path, entry.source, entry.changed, fileParams);
    })();
  }

  private remember(path: string, entry: ParamsHistoryEntry): void {
    const list = this.memory!.get(path) ?? [];
    list.push(entry);
    if (list.length > HISTORY_LIMIT) list.splice(0, list.length - HISTORY_LIMIT);
    this.memory!.set(path, list);
  }

  private insert(path: string, entry: ParamsHistoryEntry): void {
    const { insert, trim } = this.statements!;
    insert.run(path, entry.time, entry.source, JSON.stringify(entry.changed), JSON.stringify(entry.previous));
    trim.run(path, path, HISTORY_LIMIT);
  }

  /** Oldest first. */
  list(path: string): ParamsHistoryEntry[] {
    this.openIfExists();
    if (this.memory) return [...(this.memory.get(path) ?? [])];
    if (!this.db) return [];
    const rows = this.db.prepare('SELECT time, source, changed, previous FROM params_history WHERE path = ? ORDER BY id').all(path) as { time: string; source: ParamsSource; changed: string; previous: string }[];
    return rows.map((r) => ({ time: r.time, source: r.source, changed: JSON.parse(r.changed) as Params, previous: JSON.parse(r.previous) as Params }));
  }

  /**
   * Keeps what an effective change means for restarts: an api change overrides the file for
   * its keys (remembering the file's value then); any other source is the newest writer, so
   * an api override of the same key ends.
   */
  private override(path: string, source: ParamsSource, changed: Params, fileParams: Readonly<Params>): void {
    const { dropOverride, setOverride } = this.statements!;
    for (const key of Object.keys(changed)) {
      if (source !== 'api') dropOverride.run(path, key);
      else setOverride.run(path, key, encode(changed[key] === null ? undefined : changed[key]), encode(fileParams[key]));
    }
  }

  /** Every api override, by path (empty when no file exists). */
  overrides(): Map<string, ApiOverride[]> {
    const out = new Map<string, ApiOverride[]>();
    if (!this.db) return out;
    const rows = this.db.prepare('SELECT path, key, value, file_value FROM params_overrides ORDER BY path, key').all() as { path: string; key: string; value: string | null; file_value: string | null }[];
    for (const r of rows) {
      const list = out.get(r.path) ?? [];
      list.push({ key: r.key, value: decode(r.value), fileValue: decode(r.file_value) });
      out.set(r.path, list);
    }
    return out;
  }

  dropOverride(path: string, key: string): void {
    this.statements?.dropOverride.run(path, key);
  }

  close(): void {
    this.closed = true;
    this.db?.close();
    this.db = undefined;
  }

  private open(): Db | undefined {
    if (this.db || this.memory || this.closed) return this.db;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      const db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      // No fsync per change: a params change is an operator's act that takes effect in memory
      // at once; WAL + NORMAL keeps every committed entry across a crash of the process, and
      // may lose the last ones only to a power loss or OS crash (fsync made updateParams 15× a restart).
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      this.statements = {
        insert: db.prepare('INSERT INTO params_history (path, time, source, changed, previous) VALUES (?, ?, ?, ?, ?)'),
        trim: db.prepare('DELETE FROM params_history WHERE path = ? AND id NOT IN (SELECT id FROM params_history WHERE path = ? ORDER BY id DESC LIMIT ?)'),
        dropOverride: db.prepare('DELETE FROM params_overrides WHERE path = ? AND key = ?'),
        setOverride: db.prepare('INSERT OR REPLACE INTO params_overrides (path, key, value, file_value) VALUES (?, ?, ?, ?)'),
      };
      this.db = db;
    } catch (error) {
      this.memory = new Map();
      this.onUnavailable(error);
    }
    return this.db;
  }
}
