/**
 * The journal contract with every answer a promise: what a networked backend (PostgreSQL)
 * can offer. The embedded journals (SQLite, memory) answer synchronously and keep their own
 * faster path; `asyncJournal` wraps one so a single contract suite holds every backend.
 */
import type { StoredEvent, StreamInfo } from '../model.js';
import type { AppendCommand } from '../model.js';
import type { AppendOutcome, Journal } from './journal.js';

export interface AsyncJournal {
  readonly backend: string;
  /** As Journal.appendBatch: one transaction, one outcome per command; rejects (storing nothing) when the commit fails. */
  appendBatch(commands: readonly AppendCommand[], time: string): Promise<AppendOutcome[]>;
  readStream(stream: string, from: number, limit: number, direction: 'forward' | 'backward'): Promise<StoredEvent[]>;
  readAll(from: number, limit: number): Promise<StoredEvent[]>;
  streamVersion(stream: string): Promise<number>;
  firstVersionAfter(stream: string, position: number): Promise<number>;
  head(): Promise<number>;
  listStreams(after: string, limit: number): Promise<StreamInfo[]>;
  close(): Promise<void>;
}

/**
 * `journal` behind the async contract (answers on a microtask; errors become rejections).
 * @example
 * const j = asyncJournal(new MemoryJournal());
 * await j.appendBatch([{ stream: 's', expectedVersion: 'any', events: [{ type: 'a', data: {} }] }], new Date().toISOString());
 */
export function asyncJournal(journal: Journal): AsyncJournal {
  const lift =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    async (...args: A): Promise<R> =>
      fn.apply(journal, args);
  return {
    backend: journal.backend,
    appendBatch: lift(journal.appendBatch),
    readStream: lift(journal.readStream),
    readAll: lift(journal.readAll),
    streamVersion: lift(journal.streamVersion),
    firstVersionAfter: lift(journal.firstVersionAfter),
    head: lift(journal.head),
    listStreams: lift(journal.listStreams),
    close: lift(journal.close),
  };
}
