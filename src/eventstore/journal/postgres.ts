/**
 * The PostgreSQL journal (node-postgres, pooled): the same table shape and the same append
 * algorithm (applyBatch) as SQLite, so ids stay idempotent, expected versions are checked and
 * versions and positions are gapless. Several nodes may append to one database at once.
 *
 * Global order. A sequence would hand out positions in the order transactions *start*, not
 * the order they *commit*: a reader of `$all` could see position 11 committed while 10 is
 * still in flight, move past 10, and never read it. Instead every append transaction takes
 * one transaction-scoped advisory lock (per schema) first, then reads the head and assigns
 * positions head+1…, and holds the lock until its commit. PostgreSQL makes a commit visible
 * before it releases the transaction's locks, so the next writer reads the head only after
 * the previous batch is visible: positions are assigned in commit order, every snapshot holds
 * a gapless prefix of `$all`, and a reader paging by position can never skip an event.
 * The cost is that append transactions run one at a time across the cluster; group commit
 * (many appends per transaction) is what keeps that cheap: the lock is held for under three round
 * trips per batch (the last one the commit and its WAL flush), whatever the batch size. (The alternative, readers that
 * stop below the oldest in-flight transaction id, lets writers overlap but makes every read
 * consult pg_snapshot_xmin and leaves positions with gaps; not worth it at these rates.)
 *
 * Each committed batch also sends one NOTIFY (delivered only if it commits) with the new head
 * and the streams it wrote, so other nodes wake their subscriptions (notification/pg-listen.ts).
 */
import type pg from 'pg';
import type { AppendCommand, StoredEvent, StreamInfo } from '../model.js';
import { InvalidStoreRequestError } from '../errors.js';
import { createPool, hash32, pgFaultReason, quoteLiteral, type PgTarget } from '../postgres/connection.js';
import { migrate } from '../postgres/migrations.js';
import type { AsyncJournal } from './async-journal.js';
import { applyBatch, type AppendOutcome, type BatchWriter } from './journal.js';
import { journalSql, type JournalSql } from './postgres-sql.js';
import { storedEvent } from './stored-event.js';
import { VersionCache } from './version-cache.js';

export interface PostgresJournalOptions {
  readonly target: PgTarget;
  /** Connections at most (appends use one at a time, reads the rest). */
  readonly poolSize: number;
  /** full: synchronous_commit=on (acknowledged = flushed, and on synchronous standbys); normal: off. */
  readonly synchronous: 'full' | 'normal';
  /** This node's name: in the NOTIFY payload (so a node ignores its own) and in application_name. */
  readonly node: string;
  /** An idle pooled connection failed (the server restarting); the next query reconnects. */
  readonly onIdleError?: (error: Error) => void;
}

/** What other nodes hear after each committed batch. */
export interface AppendNotice {
  readonly node: string;
  readonly head: number;
  /** The streams written; absent when too many to list (then every subscription wakes). */
  readonly streams?: readonly string[];
}

/** The NOTIFY channel of a schema's journal. */
export const appendChannel = (schema: string): string => `${schema}_appended`.slice(0, 63);

/** NOTIFY payloads stay small: a batch over this many characters of stream names lists none. */
const MAX_NOTICE_CHARS = 1000;

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

const toEvent = (r: Row): StoredEvent => storedEvent(r, r.data, r.metadata);

export class PostgresJournal implements AsyncJournal {
  readonly backend = 'postgres';
  readonly channel: string;
  private closed = false;
  private readonly versions = new VersionCache();
  /** Batches of this journal run one after the other (they would wait for the lock anyway): the version cache sees one at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly q: JournalSql;
  private readonly sql: JournalSql['statements'];
  /** Prepared-statement names, unique per schema (one pool may never mix schemas, but tests run several). */
  private readonly prefix: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresJournalOptions,
  ) {
    const { schema } = options.target;
    this.channel = appendChannel(schema);
    this.prefix = `ov${(hash32(schema) >>> 0).toString(36)}_`;
    this.q = journalSql(schema);
    this.sql = this.q.statements;
  }

  /**
   * Connects, migrates the schema (creating it if needed) and returns the journal. Rejects
   * when PostgreSQL cannot be reached (see pgFaultReason) or the schema is newer (SchemaTooNewError).
   */
  static async open(options: PostgresJournalOptions): Promise<PostgresJournal> {
    const sync = options.synchronous === 'full' ? 'on' : 'off';
    const pool = createPool(options.target, `overseer ${options.node} persistence`, options.poolSize, options.onIdleError ?? (() => undefined), `-c synchronous_commit=${sync}`);
    try {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (error: Error) => void (broken = error);
      client.on('error', onError);
      try {
        await migrate(client, options.target.schema);
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresJournal(pool, options);
  }

  get schema(): string {
    return this.options.target.schema;
  }

  async appendBatch(all: readonly AppendCommand[], time: string): Promise<AppendOutcome[]> {
    this.assertOpen();
    // PostgreSQL text cannot hold U+0000 (SQLite can): such an append fails alone, as a bad request, before the transaction.
    const refused = all.map((c) => c.events.find((e) => e.type.includes('\0') || (e.id?.includes('\0') ?? false)));
    if (refused.some((e) => e !== undefined)) {
      const rest = all.filter((_, i) => refused[i] === undefined);
      const outcomes = rest.length > 0 ? await this.appendBatch(rest, time) : [];
      return all.map((c, i) =>
        refused[i] === undefined ? outcomes.shift()! : { ok: false, error: new InvalidStoreRequestError(`stream "${c.stream}": an event's ${refused[i]!.type.includes('\0') ? 'type' : 'id'} contains U+0000, which PostgreSQL text cannot store`) },
      );
    }
    const run = this.tail.then(() => this.commit(all, time));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** One transaction under the append lock (see the header). */
  private async commit(commands: readonly AppendCommand[], time: string): Promise<AppendOutcome[]> {
    this.assertOpen();
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client has no listener of the pool's: without one, the server ending the session would crash the process.
    const onError = () => void (broken = true);
    client.on('error', onError);
    try {
      const streams = [...new Set(commands.map((c) => c.stream))];
      const ids = commands.flatMap((c) => c.events.flatMap((e) => (e.id === undefined ? [] : [e.id])));
      const cache = this.versions;
      const cached = new Map(streams.flatMap((s) => (cache.get(s) === undefined ? [] : [[s, cache.get(s)!] as const])));
      const misses = cache.misses(streams);
      const results = (await client.query(`${this.q.lock}; ${this.q.prefetch(cache.size > 0 ? cache.asOf : undefined, cache.maxGap, misses, ids)}`)) as unknown as pg.QueryResult[];
      const pre = results[results.length - 1] as pg.QueryResult<{ k: number; id: string | null; stream: string | null; version: number | null; position: number | null }>;
      let head = 0;
      const changed = new Map<string, number>();
      const lookedUp = new Map<string, number>();
      const known = new Map<string, { stream: string; version: number; position: number }>();
      for (const r of pre.rows) {
        if (r.k === 0) head = r.position!;
        else if (r.k === 1) changed.set(r.stream!, r.version!);
        else if (r.k === 3) lookedUp.set(r.stream!, r.version ?? -1);
        else known.set(r.id!, { stream: r.stream!, version: r.version!, position: r.position! });
      }
      if (!cache.refresh(head, changed, lookedUp)) {
        // Too much happened since this node last looked: the cache started over; look the batch's other streams up (still under the lock).
        const rest = [...cached.keys()].filter((s) => !lookedUp.has(s));
        const rows = rest.length === 0 ? [] : (await client.query<{ stream: string; version: number | null }>({ name: `${this.prefix}lookup`, text: this.sql.lookup, values: [rest] })).rows;
        const more = new Map(rows.map((r) => [r.stream, r.version ?? -1]));
        cache.refresh(head, new Map(), more);
        for (const [s, v] of more) lookedUp.set(s, v);
      }
      // A full lookup is current; else the newest version written since the cache's position; else the cache's.
      const versions = new Map(streams.map((s) => [s, lookedUp.get(s) ?? changed.get(s) ?? cached.get(s) ?? -1]));
      const cols: [number[], string[], string[], number[], string[], string[], string[], string[]] = [[], [], [], [], [], [], [], []];
      const writer: BatchWriter = {
        streamVersion: (stream) => versions.get(stream) ?? -1,
        findById: (id) => known.get(id),
        insert: (e) => {
          const data = JSON.stringify(e.data); // throws on what JSON cannot hold: nothing of the batch is written
          const metadata = JSON.stringify(e.metadata);
          cols[0].push(e.position), cols[1].push(e.id), cols[2].push(e.stream), cols[3].push(e.version);
          cols[4].push(e.type), cols[5].push(data), cols[6].push(metadata), cols[7].push(e.time);
          versions.set(e.stream, e.version);
          known.set(e.id, { stream: e.stream, version: e.version, position: e.position });
        },
      };
      const result = applyBatch(writer, commands, head, time);
      if (cols[0].length === 0) {
        await client.query('COMMIT');
        return result.outcomes;
      }
      await client.query({ name: `${this.prefix}insert`, text: this.sql.insert, values: cols });
      // NOTIFY inside the transaction: PostgreSQL delivers it only if the commit succeeds.
      await client.query(`SELECT pg_notify(${quoteLiteral(this.channel)}, ${quoteLiteral(this.notice(result.head, cols[2]))}); COMMIT`);
      cache.committed(result.head, new Map(streams.map((s) => [s, versions.get(s)!])));
      return result.outcomes;
    } catch (error) {
      broken = pgFaultReason(error) !== undefined;
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken); // a connection that failed is destroyed, not handed to the next query
    }
  }

  private notice(head: number, written: readonly string[]): string {
    const streams = [...new Set(written)];
    const full: AppendNotice = { node: this.options.node, head, streams };
    const text = JSON.stringify(full);
    return text.length <= MAX_NOTICE_CHARS ? text : JSON.stringify({ node: this.options.node, head } satisfies AppendNotice);
  }

  async readStream(stream: string, from: number, limit: number, direction: 'forward' | 'backward'): Promise<StoredEvent[]> {
    const text = direction === 'forward' ? this.sql.forward : this.sql.backward;
    return (await this.query<Row>(direction, text, [stream, from, limit])).map(toEvent);
  }

  async readAll(from: number, limit: number): Promise<StoredEvent[]> {
    return (await this.query<Row>('all', this.sql.all, [from, limit])).map(toEvent);
  }

  async streamVersion(stream: string): Promise<number> {
    return (await this.query<{ v: number }>('version', this.sql.version, [stream]))[0]!.v;
  }

  async firstVersionAfter(stream: string, position: number): Promise<number> {
    const v = (await this.query<{ v: number | null }>('after', this.sql.after, [stream, position]))[0]!.v;
    return v ?? (await this.streamVersion(stream)) + 1;
  }

  async head(): Promise<number> {
    return (await this.query<{ h: number }>('head', this.sql.head, []))[0]!.h;
  }

  async listStreams(after: string, limit: number): Promise<StreamInfo[]> {
    return this.query<StreamInfo>('streams', this.sql.streams, [after, limit]);
  }

  /** A small write transaction, committed like an append: succeeds only when the database takes commits again. */
  async probeWrite(time: string): Promise<void> {
    await this.query('probe', this.sql.probe, [this.options.node, time]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async query<R extends object>(name: string, text: string, values: unknown[]): Promise<R[]> {
    this.assertOpen();
    return (await this.pool.query<R>({ name: `${this.prefix}${name}`, text, values })).rows;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('Client was closed: the PostgreSQL journal is closed');
  }
}
