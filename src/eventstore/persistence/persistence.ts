/**
 * The `persistence` behaviour: the only writer of the journal. Ready once the database is
 * open and its schema checked (a failure to open, a corrupt file, is a crash, so the supervisor
 * retries and finally gives up with the reason in the log). Appends are group-committed; reads
 * answer from committed data only. A storage fault at run time (disk full, read-only, I/O error,
 * file vanished) is no crash: it goes `not_ready`, refuses appends as unavailable, keeps serving
 * reads and probes on a timer until a write succeeds again (see `degrade` and `probe`).
 * It stops gracefully (stopsBySignal): on `overseer.stop` it commits the batch in flight,
 * closes the file, then emits `stopped`; a forced stop does the same at once.
 */
import { fromCallback } from 'xstate';
import { STOP_EVENT, STOPPED_SIGNAL, stopsBySignal } from '../../actors/logic-traits.js';
import { runtimeOf } from '../../system/context.js';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreCorruptError, StoreUnavailableError } from '../errors.js';
import type { AppendCommand } from '../model.js';
import type { Journal } from '../journal/journal.js';
import { openJournal } from '../journal/open.js';
import { isCorruption, JournalFileGoneError, SqliteJournal, storageFaultReason } from '../journal/sqlite.js';
import { respond, type ReplyTarget } from '../protocol.js';
import { GroupCommit } from './group-commit.js';
import { persistenceParams } from './params.js';
import { postgresPersistence } from './postgres-persistence.js';

export type PersistenceCommand =
  | { readonly type: 'append'; readonly command: AppendCommand }
  | { readonly type: 'read_stream'; readonly stream: string; readonly from: number; readonly limit: number; readonly direction: 'forward' | 'backward' }
  | { readonly type: 'read_stream_at'; readonly stream: string; readonly from: number | undefined; readonly limit: number; readonly direction: 'forward' | 'backward' }
  | { readonly type: 'read_all'; readonly from: number; readonly limit: number }
  | { readonly type: 'stream_version'; readonly stream: string }
  | { readonly type: 'first_version_after'; readonly stream: string; readonly position: number }
  | { readonly type: 'list_streams'; readonly after: string; readonly limit: number }
  | { readonly type: 'head' };

export type PersistenceRequest = PersistenceCommand & { readonly replyTo?: ReplyTarget };

type Internal = { type: 'commit_failed'; error: Error } | { type: typeof STOP_EVENT };

/** What it emits: readiness lost (with why) and regained, and the end of a graceful stop. */
type Emitted = { type: 'not_ready'; reason: string } | { type: 'ready' } | { type: typeof STOPPED_SIGNAL };

/** Corrupt reads are logged once per this many ms at most (a burst of them is one log line). */
const CORRUPTION_LOG_EVERY_MS = 10_000;

export const persistence = stopsBySignal(fromCallback<PersistenceRequest | Internal, unknown, Emitted>(({ self, input, receive, emit }) => {
  const rt = runtimeOf(self);
  const params = persistenceParams.parse(input ?? {});
  if (params.backend === 'postgres') return postgresPersistence({ self, rt, params, receive, emit });
  /** Undefined only between closing a vanished journal and opening its rescued copy, if that failed. */
  let journal: Journal | undefined = openJournal(params, rt.system.spec.dataDir, rt.system);
  let stopping = false;
  /** Why appends are refused now (a storage fault); undefined while healthy. */
  let unavailable: string | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  const faults = { storage: 0, recoveries: 0, corruptReads: 0, corruptReadsLogged: 0, corruptLoggedAt: Number.NEGATIVE_INFINITY };

  const onCommitFailed = (error: Error) => {
    if (stopping) return;
    const reason = storageFaultReason(error);
    if (reason === undefined) self.send({ type: 'commit_failed', error }); // not the storage: a bug, crash as before
    else degrade(reason, error);
  };
  let commits = new GroupCommit(journal, () => Date.now(), params.maxBatch, onCommitFailed);
  const sqlite = () => (journal instanceof SqliteJournal ? journal : undefined);
  /** The SQLite file, kept: the journal object may be gone while a rescue is finished. */
  const sqliteFile = sqlite()?.file;
  rt.logger.info(
    { backend: journal.backend, file: params.backend === 'sqlite' ? params.file : undefined, synchronous: params.synchronous, head: journal.head(), openCheck: sqlite()?.openCheck },
    'journal open',
  );
  rt.report(() => ({
    backend: params.backend,
    head: journal?.head(),
    commits: commits.commits,
    appends: commits.appends,
    pending: commits.pending,
    ...(unavailable === undefined ? {} : { unavailable }),
    storageFaults: faults.storage,
    recoveries: faults.recoveries,
    corruptReads: faults.corruptReads,
  }));

  /** The read-only data directory says more than SQLite's "unable to open database file". */
  const explain = (reason: string): string => {
    if (sqliteFile === undefined) return reason;
    const dir = dirname(sqliteFile);
    try {
      accessSync(dir, fsConstants.W_OK);
      return reason;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'EROFS' || code === 'EACCES' ? `read-only: ${dir} (${code}); ${reason}` : reason;
    }
  };

  /**
   * A commit failed for a storage reason: refuse appends (their clients get 503 and retry;
   * nothing of a failed batch was stored, so nothing acknowledged is lost), stay up for reads,
   * and probe. A new reason while degraded is emitted again, so /readyz tells the latest.
   */
  const degrade = (reason: string, error?: unknown) => {
    reason = explain(reason);
    if (reason === unavailable) return;
    if (unavailable === undefined) {
      faults.storage += 1;
      rt.logger.error({ reason, err: error }, 'journal unavailable: appends refused until a recovery probe succeeds');
    } else rt.logger.warn({ reason }, 'journal still unavailable');
    unavailable = reason;
    emit({ type: 'not_ready', reason });
    scheduleProbe();
  };

  const scheduleProbe = () => {
    if (probeTimer === undefined && !stopping) probeTimer = setTimeout(probe, params.recoveryProbeMs);
  };

  /**
   * One recovery attempt. The same file: a small write transaction. The file gone but its
   * directory back: every event this connection still reads from the unlinked file is copied
   * to the path and that copy opened, so what was acknowledged before the vanish is kept (as
   * long as this process lived). The directory itself is not recreated: a missing mount point
   * must not become an empty journal on the root disk. A replaced file is not adopted: which
   * copy is right is the operator's call (restart the actor to open the new one).
   */
  const probe = () => {
    probeTimer = undefined;
    if (stopping || unavailable === undefined) return;
    const time = new Date().toISOString();
    try {
      const current = sqlite();
      if (current === undefined && journal !== undefined) {
        unavailable = undefined; // a memory journal has no storage faults
      } else {
        // No journal object (a rescue was cut short after closing it): the path alone says.
        const state = current?.fileState() ?? (statSync(dirname(sqliteFile!), { throwIfNoEntry: false }) === undefined ? 'directory_missing' : 'missing');
        // The same words as the append that found it: readiness already carries this reason.
        if (state === 'directory_missing' || state === 'replaced') throw new JournalFileGoneError(sqliteFile!, state);
        if (state === 'missing') {
          const head = journal?.head();
          if (current?.open) current.rescueAndClose();
          journal = undefined;
          if (sqliteFile !== undefined) SqliteJournal.finishRescue(sqliteFile); // a rescue cut short after its copy was complete
          const fresh = openJournal(params, rt.system.spec.dataDir, rt.system);
          journal = fresh;
          const before = commits;
          commits = new GroupCommit(fresh, () => Date.now(), params.maxBatch, onCommitFailed);
          commits.commits = before.commits;
          commits.appends = before.appends;
          rt.logger.warn({ file: (fresh as SqliteJournal).file, head: fresh.head(), headBefore: head }, 'journal file had vanished: recreated from the open copy');
        }
        (journal as SqliteJournal).probeWrite(time);
        unavailable = undefined;
      }
    } catch (error) {
      degrade(storageFaultReason(error) ?? `recovery probe failed: ${(error as Error).message}`, error);
      return scheduleProbe();
    }
    faults.recoveries += 1;
    rt.logger.info({ head: journal?.head() }, 'journal available again: appends accepted');
    emit({ type: 'ready' });
  };

  /** A read: corruption answers `store_corrupt` (counted, logged once per burst), never a 500. */
  const read = <T>(work: (j: Journal) => T): T => {
    if (journal === undefined || sqlite()?.open === false) throw new StoreUnavailableError(rt.path, new Error(unavailable ?? 'the journal is closed'));
    try {
      return work(journal);
    } catch (error) {
      if (!isCorruption(error)) throw error;
      faults.corruptReads += 1;
      const now = Date.now();
      if (now - faults.corruptLoggedAt >= CORRUPTION_LOG_EVERY_MS) {
        rt.logger.error({ err: error, corruptReads: faults.corruptReads, sinceLastLog: faults.corruptReads - faults.corruptReadsLogged }, 'journal read hit a corrupt page');
        faults.corruptLoggedAt = now;
        faults.corruptReadsLogged = faults.corruptReads;
      }
      throw new StoreCorruptError(sqliteFile ?? 'the journal', error);
    }
  };

  /** Acknowledges what is already queued (rather than fail it), then closes the database; runs once. */
  const close = () => {
    if (stopping) return;
    stopping = true;
    if (probeTimer !== undefined) clearTimeout(probeTimer);
    try {
      if (unavailable === undefined) commits.drain();
    } finally {
      commits.abandon(new StoreUnavailableError(rt.path)); // left only if a commit failed during the drain
      journal?.close();
    }
  };

  receive((message) => {
    switch (message.type) {
      case 'append': {
        const { replyTo } = message;
        if (stopping) return replyTo?.send({ type: 'error', error: new StoreUnavailableError(rt.path) });
        if (unavailable !== undefined) return replyTo?.send({ type: 'error', error: new StoreUnavailableError(rt.path, new Error(unavailable)) });
        return commits.submit(message.command, (outcome) => replyTo?.send(outcome.ok ? { type: 'ok', value: outcome.result } : { type: 'error', error: outcome.error }));
      }
      case 'read_stream':
        return respond(message.replyTo, () => read((j) => j.readStream(message.stream, message.from, message.limit, message.direction)));
      case 'read_stream_at':
        // One hop for a client read: the version and the page, from the same committed state.
        return respond(message.replyTo, () =>
          read((j) => {
            const version = j.streamVersion(message.stream);
            const from = message.from ?? (message.direction === 'forward' ? 0 : version);
            return { version, events: version < 0 ? [] : j.readStream(message.stream, from, message.limit, message.direction) };
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
        return respond(message.replyTo, () => read((j) => j.head()));
      case 'commit_failed':
        // Not a storage fault (those degrade, see onCommitFailed): crash, the supervisor restarts us.
        throw new Error(`journal commit failed: ${message.error.message}`, { cause: message.error });
      case STOP_EVENT:
        close();
        rt.logger.info({ commits: commits.commits, appends: commits.appends }, 'journal closed');
        return emit({ type: STOPPED_SIGNAL });
    }
  });

  return close; // a forced stop, or the actor stopping after `stopped`: then a no-op
}));
