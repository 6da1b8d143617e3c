/**
 * What every PostgreSQL-backed actor shares: the connection params (url or OVERSEER_PG_URL,
 * schema, pool size), a pool that reads int8 as numbers, quoting, advisory-lock keys per
 * schema, and which errors mean "the database is unreachable" (degrade, retry) rather than a bug.
 */
import pg from 'pg';
import { z } from 'zod';

export const PG_URL_ENV = 'OVERSEER_PG_URL';

/** Lowercase letters, digits and underscores: a schema name that needs no thought about quoting or case. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Params shared by persistence, notification and cluster when their backend is postgres. */
export const pgParamFields = {
  url: z
    .string()
    .min(1)
    .optional()
    .describe(`PostgreSQL connection URL (postgres://user:password@host:port/db). Absent: the ${PG_URL_ENV} environment variable. Only with backend: postgres.`),
  schema: z
    .string()
    .regex(SCHEMA_NAME, { error: 'must match [a-z_][a-z0-9_]* (at most 63 characters)' })
    .default('overseer')
    .describe('PostgreSQL schema holding the tables (created and migrated at start). Nodes of one cluster use the same one.'),
  connectTimeoutMs: z.number().int().min(1).max(600_000).default(5000).describe('How long a connection attempt to PostgreSQL may take, ms.'),
};

export interface PgTarget {
  readonly url: string;
  readonly schema: string;
  readonly connectTimeoutMs: number;
}

/** The URL an actor connects to: its `url` param, else OVERSEER_PG_URL; throws saying which to set. */
export function resolvePgTarget(params: { url?: string; schema: string; connectTimeoutMs: number }, env: Record<string, string | undefined> = process.env): PgTarget {
  const url = params.url ?? env[PG_URL_ENV];
  if (url === undefined || url === '') throw new Error(`backend postgres needs a connection URL: set params.url or ${PG_URL_ENV}`);
  return { url, schema: params.schema, connectTimeoutMs: params.connectTimeoutMs };
}

/** host:port/db of a URL, never its password (for logs and readiness reasons). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'an unparsable PostgreSQL URL';
  }
}

/** int8 (positions, versions, terms) as JS numbers: they stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

export function pgClientConfig(target: PgTarget, applicationName: string): pg.ClientConfig {
  return { connectionString: target.url, connectionTimeoutMillis: target.connectTimeoutMs, keepAlive: true, application_name: applicationName.slice(0, 63), types };
}

/** A pool whose idle-client errors (the server restarting) are reported, not thrown at the process. */
export function createPool(target: PgTarget, applicationName: string, max: number, onIdleError: (error: Error) => void, options = ''): pg.Pool {
  const pool = new pg.Pool({ ...pgClientConfig(target, applicationName), max, idleTimeoutMillis: 30_000, ...(options ? { options } : {}) });
  pool.on('error', onIdleError);
  return pool;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** A string literal for SQL text (node-postgres's escaping: quotes doubled, backslashes as E'…'). */
export const quoteLiteral = (text: string): string => pg.escapeLiteral(text);
/** A text[] literal of `items`. */
export const textArray = (items: readonly string[]): string => (items.length === 0 ? 'ARRAY[]::text[]' : `ARRAY[${items.map(quoteLiteral).join(',')}]::text[]`);

/** 32-bit FNV-1a of `text`, as a signed int4 (the second half of a two-key advisory lock). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** The first key of each advisory lock overseer takes; the second is hash32(schema). */
export const LOCK_CLASS = Object.freeze({ append: 0x4f560001, leader: 0x4f560002, migrate: 0x4f560003 });

/** SQLSTATE classes meaning the server or the connection failed, not the statement. */
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58', 'XX'];
/** Specific states that mean the same: read-only (a standby), auth, no such database. */
const UNAVAILABLE_STATES = new Set(['25006', '28000', '28P01', '3D000', '40001', '40P01', '55P03']);

/**
 * A short reason when `error` says PostgreSQL cannot be reached or used now (connection
 * refused or lost, server shutting down, auth failed, read-only): the store degrades and
 * retries. Undefined for anything else (a bug, a constraint), which stays a crash.
 */
export function pgFaultReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const message = error.message.slice(0, 300);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_CLASSES.some((c) => code.startsWith(c))) return `PostgreSQL ${code}: ${message}`;
    return undefined;
  }
  // Socket-level failures (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND…) and node-postgres's own words for a lost or never-made connection.
  if (typeof code === 'string' && code.startsWith('E')) return `PostgreSQL unreachable: ${code} ${message}`;
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|not queryable/i.test(message)) {
    return `PostgreSQL unreachable: ${message}`;
  }
  if (error instanceof AggregateError && error.errors.some((e) => pgFaultReason(e) !== undefined)) return `PostgreSQL unreachable: ${message || error.errors.map((e: Error) => e.message).join('; ')}`;
  return undefined;
}
