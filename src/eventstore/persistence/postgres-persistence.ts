/**
 * The `persistence` behaviour on `backend: postgres`: the same requests and answers as on
 * SQLite, over a pooled PostgresJournal. Not ready until connected and migrated (the reason
 * says where it tries to connect, and why it cannot); a schema newer than this code is a
 * crash, so the supervisor's log carries the reason. Losing the database at run time is no
 * crash: appends answer unavailable (503), readiness goes with the reason, and a write probe
 * every `recoveryProbeMs` brings it back by itself. Stops gracefully: the queue is committed first.
 */
import type { AnyActorRef } from 'xstate';
import { STOP_EVENT, STOPPED_SIGNAL } from '../../actors/logic-traits.js';
import type { ActorRuntime } from '../../system/context.js';
import { StoreUnavailableError } from '../errors.js';
import { PostgresJournal } from '../journal/postgres.js';
import { describeTarget, pgFaultReason, resolvePgTarget } from '../postgres/connection.js';
import { respond } from '../protocol.js';
import { AsyncGroupCommit } from './async-group-commit.js';
import type { PersistenceParams } from './params.js';
import type { PersistenceRequest } from './persistence.js';

/** `commit_failed`: the persistence actor's name for "crash with this error" (any fatal failure here). */
type Internal = { type: 'commit_failed'; error: Error } | { type: typeof STOP_EVENT };
type Emitted = { type: 'not_ready'; reason: string } | { type: 'ready' } | { type: typeof STOPPED_SIGNAL };

export interface PostgresPersistenceContext {
  readonly self: AnyActorRef;
  readonly rt: ActorRuntime;
  readonly params: PersistenceParams;
  readonly receive: (listener: (message: PersistenceRequest | Internal) => void) => void;
  readonly emit: (event: Emitted) => void;
}

/** Runs the actor; returns its cleanup (a forced stop). */
export function postgresPersistence({ self, rt, params, receive, emit }: PostgresPersistenceContext): () => void {
  const target = resolvePgTarget(params);
  const where = describeTarget(target.url);
  let journal: PostgresJournal | undefined;
  let commits: AsyncGroupCommit | undefined;
  let stopping = false;
  /** Why appends are refused now; undefined while healthy. */
  let unavailable: string | undefined = `connecting to PostgreSQL at ${where}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastHead = 0;
  const faults = { storage: 0, recoveries: 0 };
  emit({ type: 'not_ready', reason: unavailable });

  const fatal = (error: unknown) => self.send({ type: 'commit_failed', error: error instanceof Error ? error : new Error(String(error)) });
  const schedule = (fn: () => void) => {
    if (timer === undefined && !stopping) timer = setTimeout(() => ((timer = undefined), fn()), params.recoveryProbeMs);
  };

  /** Refuse appends with `reason` and probe until a write succeeds. A new reason is emitted again, so /readyz tells the latest. */
  const degrade = (reason: string, error?: unknown) => {
    if (stopping || reason === unavailable) return;
    if (unavailable === undefined) {
      faults.storage += 1;
      rt.logger.error({ reason, err: error }, 'journal unavailable: appends refused until a recovery probe succeeds');
    } else rt.logger.warn({ reason }, 'journal still unavailable');
    unavailable = reason;
    emit({ type: 'not_ready', reason });
    schedule(journal === undefined ? connect : probe);
  };

  const healthy = () => {
    unavailable = undefined;
    emit({ type: 'ready' });
  };

  const connect = async () => {
    let opened: PostgresJournal;
    try {
      opened = await PostgresJournal.open({
        target,
        poolSize: params.poolSize,
        synchronous: params.synchronous,
        node: rt.system.spec.node,
        onIdleError: (error) => rt.logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the next query reconnects'),
      });
    } catch (error) {
      const reason = pgFaultReason(error);
      if (reason === undefined) return fatal(error); // a newer schema, a bug: the supervisor decides, the log says why
      degrade(`cannot open the journal at ${where}: ${reason}`, error);
      return schedule(connect);
    }
    if (stopping) return void opened.close().catch(() => undefined);
    journal = opened;
    commits = new AsyncGroupCommit(opened, () => Date.now(), params.maxBatch, (error) => {
      const reason = pgFaultReason(error);
      if (reason === undefined) fatal(new Error(`journal commit failed: ${error.message}`, { cause: error }));
      else degrade(reason, error);
    });
    lastHead = await opened.head().catch(() => lastHead);
    rt.logger.info({ backend: 'postgres', at: where, schema: target.schema, head: lastHead, poolSize: params.poolSize, synchronous: params.synchronous }, 'journal open');
    healthy();
  };

  const probe = async () => {
    if (stopping || unavailable === undefined || journal === undefined) return;
    try {
      await journal.probeWrite(new Date().toISOString());
    } catch (error) {
      degrade(pgFaultReason(error) ?? `recovery probe failed: ${(error as Error).message}`, error);
      return schedule(probe);
    }
    faults.recoveries += 1;
    rt.logger.info('journal available again: appends accepted');
    healthy();
  };

  /** A read: a lost database answers unavailable (503) and starts the probe, never a crash. */
  const read = async <T>(work: (j: PostgresJournal) => Promise<T>): Promise<T> => {
    if (journal === undefined || stopping) throw new StoreUnavailableError(rt.path, new Error(unavailable ?? 'the journal is closed'));
    try {
      return await work(journal);
    } catch (error) {
      const reason = pgFaultReason(error);
      if (reason === undefined) throw error;
      degrade(reason, error);
      throw new StoreUnavailableError(rt.path, error);
    }
  };

  rt.report(() => ({
    backend: 'postgres',
    at: where,
    schema: target.schema,
    head: lastHead,
    commits: commits?.commits ?? 0,
    appends: commits?.appends ?? 0,
    pending: commits?.pending ?? 0,
    ...(unavailable === undefined ? {} : { unavailable }),
    storageFaults: faults.storage,
    recoveries: faults.recoveries,
  }));

  /** Commits what is queued (unless the database is gone), then closes the pool. */
  const close = async () => {
    if (stopping) return;
    stopping = true;
    if (timer !== undefined) clearTimeout(timer);
    try {
      if (unavailable === undefined) await commits?.drain();
    } finally {
      commits?.abandon(new StoreUnavailableError(rt.path));
      await journal?.close().catch((error: unknown) => rt.logger.warn({ err: error }, 'closing the PostgreSQL pool failed'));
    }
  };

  receive((message) => {
    switch (message.type) {
      case 'append': {
        const { replyTo } = message;
        if (stopping || commits === undefined || unavailable !== undefined) {
          return replyTo?.send({ type: 'error', error: new StoreUnavailableError(rt.path, unavailable === undefined ? undefined : new Error(unavailable)) });
        }
        return commits.submit(message.command, (outcome) => {
          if (outcome.ok) lastHead = Math.max(lastHead, outcome.result.position);
          replyTo?.send(outcome.ok ? { type: 'ok', value: outcome.result } : { type: 'error', error: outcome.error });
        });
      }
      case 'read_stream':
        return respond(message.replyTo, () => read((j) => j.readStream(message.stream, message.from, message.limit, message.direction)));
      case 'read_stream_at':
        return respond(message.replyTo, () =>
          read(async (j) => {
            // The page first, then the version: appends only add, so the version is at least the page's last.
            const from = message.from ?? (message.direction === 'forward' ? 0 : Number.MAX_SAFE_INTEGER);
            const events = await j.readStream(message.stream, from, message.limit, message.direction);
            return { version: await j.streamVersion(message.stream), events };
          }),
        );
      case 'read_all':
        return respond(message.replyTo, () => read((j) => j.readAll(message.from, message.limit)));
      case 'stream_version':
        return respond(message.replyTo, () => read((j) => j.streamVersion(message.stream)));
      case 'first_version_after':
        return respond(message.replyTo, () => read((j) => j.firstVersionAfter(message.stream, message.position)));
      case 'list_streams':
        return respond(message.replyTo, () => read((j) => j.listStreams(message.after, message.limit)));
      case 'head':
        return respond(message.replyTo, () => read(async (j) => (lastHead = Math.max(lastHead, await j.head()))));
      case 'commit_failed':
        throw message.error; // the supervisor restarts us (and gives up, with this reason, if it keeps happening)
      case STOP_EVENT:
        return void close().finally(() => {
          rt.logger.info({ commits: commits?.commits ?? 0, appends: commits?.appends ?? 0 }, 'journal closed');
          emit({ type: STOPPED_SIGNAL });
        });
    }
  });

  void connect();
  return () => void close();
}
