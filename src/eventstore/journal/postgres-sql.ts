/**
 * The SQL of the PostgreSQL journal, for one schema: the statements its reads prepare, and the
 * ones an append sends under the lock (journal/postgres.ts says why in that order). Kept apart
 * so the journal reads as the algorithm it runs.
 */
import { hash32, LOCK_CLASS, quoteIdent, textArray } from '../postgres/connection.js';

export interface JournalSql {
  /** BEGIN and the transaction-scoped append lock (READ COMMITTED, stated: each later statement sees every batch committed before). */
  readonly lock: string;
  /**
   * Sent with `lock` in one simple query (one round trip): in READ COMMITTED each statement
   * takes its own snapshot, so this one, run once the lock is granted, sees every batch committed
   * before. Rows: the head (k 0), the newest version of each stream written after `since` (k 1,
   * what the version cache missed, at most `maxGap` events), the versions of streams the cache
   * has never seen (k 3), the ids already stored (k 2).
   */
  prefetch(since: number | undefined, maxGap: number, misses: readonly string[], ids: readonly string[]): string;
  readonly statements: Readonly<Record<'lookup' | 'insert' | 'forward' | 'backward' | 'all' | 'version' | 'after' | 'head' | 'streams' | 'probe', string>>;
}

export function journalSql(schema: string): JournalSql {
  const s = quoteIdent(schema);
  const last = (stream: string) => `(SELECT version FROM ${s}.events e WHERE e.stream = ${stream} ORDER BY version DESC LIMIT 1)`;
  return {
    lock: `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${LOCK_CLASS.append}, ${hash32(schema)})`,
    prefetch: (since, maxGap, misses, ids) =>
      [
        `SELECT 0 AS k, NULL::text AS id, NULL::text AS stream, NULL::bigint AS version, (SELECT coalesce(max(position), 0) FROM ${s}.events) AS position`,
        since === undefined ? '' : `SELECT 1, NULL, stream, max(version), NULL FROM ${s}.events WHERE position > ${since} AND position <= ${since + maxGap} GROUP BY stream`,
        misses.length === 0 ? '' : `SELECT 3, NULL, u.stream, ${last('u.stream')}, NULL FROM unnest(${textArray(misses)}) AS u(stream)`,
        ids.length === 0 ? '' : `SELECT 2, id, stream, version, position FROM ${s}.events WHERE id = ANY(${textArray(ids)})`,
      ]
        .filter(Boolean)
        .join(' UNION ALL '),
    statements: {
      lookup: `SELECT u.stream, ${last('u.stream')} AS version FROM unnest($1::text[]) AS u(stream)`,
      insert: `INSERT INTO ${s}.events (position, id, stream, version, type, data, metadata, time)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      forward: `SELECT * FROM ${s}.events WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT $3`,
      backward: `SELECT * FROM ${s}.events WHERE stream = $1 AND version <= $2 ORDER BY version DESC LIMIT $3`,
      all: `SELECT * FROM ${s}.events WHERE position >= $1 ORDER BY position LIMIT $2`,
      version: `SELECT coalesce(${last('$1')}, -1) AS v`,
      after: `SELECT min(version) AS v FROM ${s}.events WHERE stream = $1 AND position > $2`,
      head: `SELECT coalesce(max(position), 0) AS h FROM ${s}.events`,
      // Distinct stream names by skipping through the index (a loose index scan), each with its last event.
      streams: `WITH RECURSIVE names AS (
          (SELECT stream FROM ${s}.events WHERE stream > $1 ORDER BY stream LIMIT 1)
          UNION ALL
          SELECT (SELECT e.stream FROM ${s}.events e WHERE e.stream > names.stream ORDER BY e.stream LIMIT 1) FROM names WHERE names.stream IS NOT NULL)
        SELECT n.stream, l.version, l.position FROM (SELECT stream FROM names WHERE stream IS NOT NULL LIMIT $2) n
        CROSS JOIN LATERAL (SELECT version, position FROM ${s}.events e WHERE e.stream = n.stream ORDER BY version DESC LIMIT 1) l ORDER BY n.stream`,
      probe: `INSERT INTO ${s}.probe (node, time) VALUES ($1, $2) ON CONFLICT (node) DO UPDATE SET time = excluded.time`,
    },
  };
}
