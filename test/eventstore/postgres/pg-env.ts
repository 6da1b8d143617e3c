/**
 * Test access to PostgreSQL: OVERSEER_PG_URL names the server (scripts/dev-postgres.sh
 * starts one; .ci/run does in CI). Without it the PostgreSQL tests are skipped, except in CI
 * where a missing server is a failure. Each test gets a schema of its own, dropped afterwards.
 */
import pg from 'pg';
import { describe } from 'vitest';
import { PostgresJournal } from '../../../src/eventstore/journal/postgres.js';

export const PG_URL = process.env.OVERSEER_PG_URL || undefined;
const IN_CI = Boolean(process.env.CI);

/** `describe` for PostgreSQL tests: runs with a server, skips without one outside CI, fails in CI without one. */
export const describePg: typeof describe = (PG_URL !== undefined || IN_CI ? describe : describe.skip) as typeof describe;

/** The server's URL; throws (a failing test, never a skip) when the tests run without one. */
export function pgUrl(): string {
  if (PG_URL === undefined) throw new Error('OVERSEER_PG_URL is not set: start PostgreSQL with scripts/dev-postgres.sh (CI sets it in .ci/run)');
  return PG_URL;
}

let counter = 0;

/** A schema name no other test (or test process) uses. */
export function uniqueSchema(tag = 't'): string {
  counter += 1;
  return `ovt_${tag}_${process.pid}_${Date.now().toString(36)}_${counter}`.slice(0, 63);
}

/** Drops `schemas` (and everything in them). */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A plain client for assertions and set-up; the caller ends it. */
export async function rawClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  return client;
}

/** A journal in a fresh schema. */
export function openPgJournal(schema: string, node = 'n1', poolSize = 4): Promise<PostgresJournal> {
  return PostgresJournal.open({ target: { url: pgUrl(), schema, connectTimeoutMs: 5000 }, poolSize, synchronous: 'full', node });
}
