/**
 * The journal: where events are stored, behind one small interface so backends can be
 * swapped (SQLite now, in-memory for tests, PostgreSQL later). `applyBatch` is the one
 * append algorithm every backend runs inside its own transaction: idempotency by event id,
 * the expected-version check, then gapless versions and positions.
 */
import { EventIdConflictError, WrongExpectedVersionError } from '../errors.js';
import { newEventId } from '../event-id.js';
import { expectationMet, type AppendCommand, type AppendResult, type StoredEvent, type StreamInfo } from '../model.js';

export type AppendOutcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: Error };

export interface Journal {
  readonly backend: string;
  /**
   * Appends every command in one transaction; one outcome per command, in order (a conflict
   * fails its own command only). Throws when the commit itself fails: then nothing is stored.
   */
  appendBatch(commands: readonly AppendCommand[], time: string): AppendOutcome[];
  /** Up to `limit` events from version `from` (inclusive), forward or backward. */
  readStream(stream: string, from: number, limit: number, direction: 'forward' | 'backward'): StoredEvent[];
  /** Up to `limit` events from global position `from` (inclusive), in `$all` order. */
  readAll(from: number, limit: number): StoredEvent[];
  /** Current version of a stream; -1 when it has no events. */
  streamVersion(stream: string): number;
  /** The first version of `stream` stored after global `position` (resuming a subscription by position). */
  firstVersionAfter(stream: string, position: number): number;
  /** The last global position; 0 when empty. */
  head(): number;
  /** Streams in name order, after `after` (exclusive), up to `limit`. */
  listStreams(after: string, limit: number): StreamInfo[];
  close(): void;
}

/** What applyBatch needs from a backend, inside its transaction. */
export interface BatchWriter {
  streamVersion(stream: string): number;
  findById(id: string): { stream: string; version: number; position: number } | undefined;
  insert(event: StoredEvent): void;
}

/** Runs `commands` against `writer`, positions continuing after `head`. Returns outcomes and the new head. */
export function applyBatch(writer: BatchWriter, commands: readonly AppendCommand[], head: number, time: string): { outcomes: AppendOutcome[]; head: number } {
  const outcomes: AppendOutcome[] = [];
  for (const command of commands) {
    try {
      const result = applyOne(writer, command, head, time);
      if (result.written) head = result.position;
      outcomes.push({ ok: true, result });
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  return { outcomes, head };
}

function applyOne(writer: BatchWriter, command: AppendCommand, head: number, time: string): AppendResult {
  const { stream, events } = command;
  // Idempotency: events whose client id is already stored in this stream are not stored again.
  let known: { version: number; position: number } | undefined;
  const fresh = events.filter((event) => {
    if (event.id === undefined) return true;
    const existing = writer.findById(event.id);
    if (existing === undefined) return true;
    if (existing.stream !== stream) throw new EventIdConflictError(event.id, stream, existing.stream);
    if (known === undefined || existing.position > known.position) known = existing;
    return false;
  });
  if (fresh.length === 0) return { nextExpectedVersion: known!.version, position: known!.position }; // a retry of a stored append
  const current = writer.streamVersion(stream);
  if (!expectationMet(command.expectedVersion, current)) throw new WrongExpectedVersionError(stream, command.expectedVersion, current);
  let version = current;
  for (const event of fresh) {
    version += 1;
    head += 1;
    writer.insert({ id: event.id ?? newEventId(), stream, version, position: head, type: event.type, data: event.data, metadata: event.metadata ?? {}, time });
  }
  return { nextExpectedVersion: version, position: head, written: { fromVersion: current + 1, toVersion: version } };
}
