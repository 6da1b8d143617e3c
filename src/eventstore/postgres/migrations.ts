/**
 * Versioned schema migrations for the PostgreSQL backend, run at start by every actor that
 * uses the schema (persistence, cluster). One transaction under an advisory lock, so nodes
 * starting together migrate once; a schema newer than this code knows is refused, naming both.
 */
import type pg from 'pg';
import { hash32, LOCK_CLASS, quoteIdent } from './connection.js';

/** The schema was migrated by a newer overseer: this one must not write to it. */
export class SchemaTooNewError extends Error {
  readonly code = 'OVERSEER_PG_SCHEMA_TOO_NEW';
  constructor(
    readonly schema: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`PostgreSQL schema "${schema}" is at version ${found}, written by a newer overseer (this one knows versions up to ${known}); upgrade overseer or use another schema`);
  }
}

/** Each entry upgrades the schema from its index to index + 1; `s` is the quoted schema name. */
const MIGRATIONS: readonly ((s: string) => string)[] = [
  // 1: the journal. Positions are assigned under the append lock (journal/postgres.ts), never by a
  // sequence. Names compare bytewise (COLLATE "C"), as in SQLite, whatever the database's locale.
  (s) => `
    CREATE TABLE ${s}.events (
      position bigint PRIMARY KEY,
      id       text   COLLATE "C" NOT NULL UNIQUE,
      stream   text   COLLATE "C" NOT NULL,
      version  bigint NOT NULL,
      type     text   NOT NULL,
      data     text   NOT NULL,
      metadata text   NOT NULL,
      time     text   NOT NULL,
      UNIQUE (stream, version)
    );
    CREATE TABLE ${s}.probe (node text PRIMARY KEY, time text NOT NULL);`,
  // 2: cluster membership and the leader's term (cluster/postgres-membership.ts).
  (s) => `
    CREATE TABLE ${s}.members (
      node         text        PRIMARY KEY,
      instance     text        NOT NULL,
      joined_at    timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE ${s}.leader (
      only_row   boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
      term       bigint      NOT NULL,
      node       text        NOT NULL,
      instance   text        NOT NULL,
      renewed_at timestamptz NOT NULL
    );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `schema` to SCHEMA_VERSION on `client` (creating it if needed); returns the version
 * found before. Throws SchemaTooNewError, without changing anything, when it is newer.
 */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number> {
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS.migrate, hash32(schema)]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_version (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), version integer NOT NULL)`);
    const found = ((await client.query(`SELECT version FROM ${s}.schema_version`)).rows[0] as { version: number } | undefined)?.version ?? 0;
    if (found > SCHEMA_VERSION) throw new SchemaTooNewError(schema, found, SCHEMA_VERSION);
    for (let v = found; v < SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v]!(s));
    if (found < SCHEMA_VERSION) {
      await client.query(`INSERT INTO ${s}.schema_version (only_row, version) VALUES (true, $1) ON CONFLICT (only_row) DO UPDATE SET version = excluded.version`, [SCHEMA_VERSION]);
    }
    await client.query('COMMIT');
    return found;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
