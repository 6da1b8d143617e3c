/**
 * The `persistence` behaviour: the only writer of the journal. Ready once the database is
 * open and its schema checked (a failure to open is a crash, so the supervisor retries and
 * finally gives up with the reason in the log). Appends are group-committed; reads answer
 * from committed data only. It stops gracefully (stopsBySignal): on `overseer.stop` it commits
 * the batch in flight, closes the file, then emits `stopped`; a forced stop does the same at once.
 */
import { fromCallback } from 'xstate';
import { STOP_EVENT, STOPPED_SIGNAL, stopsBySignal } from '../../actors/logic-traits.js';
import { runtimeOf } from '../../system/context.js';
import { StoreUnavailableError } from '../errors.js';
import type { AppendCommand } from '../model.js';
import { openJournal } from '../journal/open.js';
import { respond, type ReplyTarget } from '../protocol.js';
import { GroupCommit } from './group-commit.js';
import { persistenceParams } from './params.js';

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

export const persistence = stopsBySignal(fromCallback<PersistenceRequest | Internal, unknown>(({ self, input, receive, emit }) => {
  const rt = runtimeOf(self);
  const params = persistenceParams.parse(input ?? {});
  const journal = openJournal(params, rt.system.spec.dataDir, rt.system);
  let stopping = false;
  const commits = new GroupCommit(journal, () => Date.now(), params.maxBatch, (error) => {
    if (!stopping) self.send({ type: 'commit_failed', error });
  });
  rt.logger.info({ backend: journal.backend, file: params.backend === 'sqlite' ? params.file : undefined, synchronous: params.synchronous, head: journal.head() }, 'journal open');
  rt.report(() => ({ backend: journal.backend, head: journal.head(), commits: commits.commits, appends: commits.appends, pending: commits.pending }));

  /** Acknowledges what is already queued (rather than fail it), then closes the database; runs once. */
  const close = () => {
    if (stopping) return;
    stopping = true;
    try {
      commits.drain();
    } finally {
      commits.abandon(new StoreUnavailableError(rt.path)); // left only if a commit failed during the drain
      journal.close();
    }
  };

  receive((message) => {
    switch (message.type) {
      case 'append': {
        const { replyTo } = message;
        if (stopping) return replyTo?.send({ type: 'error', error: new StoreUnavailableError(rt.path) });
        return commits.submit(message.command, (outcome) => replyTo?.send(outcome.ok ? { type: 'ok', value: outcome.result } : { type: 'error', error: outcome.error }));
      }
      case 'read_stream':
        return respond(message.replyTo, () => journal.readStream(message.stream, message.from, message.limit, message.direction));
      case 'read_stream_at':
        // One hop for a client read: the version and the page, from the same committed state.
        return respond(message.replyTo, () => {
          const version = journal.streamVersion(message.stream);
          const from = message.from ?? (message.direction === 'forward' ? 0 : version);
          return { version, events: version < 0 ? [] : journal.readStream(message.stream, from, message.limit, message.direction) };
        });
      case 'read_all':
        return respond(message.replyTo, () => journal.readAll(message.from, message.limit));
      case 'stream_version':
        return respond(message.replyTo, () => journal.streamVersion(message.stream));
      case 'first_version_after':
        return respond(message.replyTo, () => journal.firstVersionAfter(message.stream, message.position));
      case 'list_streams':
        return respond(message.replyTo, () => journal.listStreams(message.after, message.limit));
      case 'head':
        return respond(message.replyTo, () => journal.head());
      case 'commit_failed':
        // Crash: the supervisor restarts us with a freshly opened database.
        throw new Error(`journal commit failed: ${message.error.message}`, { cause: message.error });
      case STOP_EVENT:
        close();
        rt.logger.info({ commits: commits.commits, appends: commits.appends }, 'journal closed');
        return emit({ type: STOPPED_SIGNAL });
    }
  });

  return close; // a forced stop, or the actor stopping after `stopped`: then a no-op
}));
