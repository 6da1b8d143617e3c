/**
 * Typed failures of the event store. Each carries a stable code (README, error codes) and
 * the facts a client needs to recover: a conflict says what was expected and what is there.
 */
import { OverseerError } from '../shared/errors.js';
import type { ExpectedVersion } from './model.js';

/** The stream is not at the version the append expected. */
export class WrongExpectedVersionError extends OverseerError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super('OVERSEER_ERR_WRONG_EXPECTED_VERSION', `stream "${stream}" is at version ${actual}; the append expected ${String(expected)}`);
  }
}

/** A client-supplied event id is already stored in another stream. */
export class EventIdConflictError extends OverseerError {
  constructor(
    readonly eventId: string,
    readonly stream: string,
    readonly existingStream: string,
  ) {
    super('OVERSEER_ERR_EVENT_ID_CONFLICT', `event id "${eventId}" is already stored in stream "${existingStream}", not "${stream}"`);
  }
}

/**
 * Which rule a refused request broke: its problem code (README, event store errors). The bounds
 * (json-bounds.ts) have one code each, so a client can tell "split the append" from "fix the data".
 */
export type InvalidStoreRequestProblem =
  | 'invalid_request'
  | 'invalid_stream_name'
  | 'reserved_stream_name'
  | 'too_many_events'
  | 'event_too_large'
  | 'nesting_too_deep'
  | 'number_not_finite'
  | 'not_json';

/** A request the store refuses as malformed: bad stream name, empty event list, bad read range, data outside the bounds. */
export class InvalidStoreRequestError extends OverseerError {
  constructor(
    message: string,
    readonly problem: InvalidStoreRequestProblem = 'invalid_request',
  ) {
    super('OVERSEER_ERR_INVALID_STORE_REQUEST', message);
  }
}

/** The store could not answer: an actor it needs is restarting, stopped or too slow. Retry. */
export class StoreUnavailableError extends OverseerError {
  constructor(what: string, cause?: unknown) {
    super('OVERSEER_ERR_STORE_UNAVAILABLE', `${what} is unavailable${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
  }
}

/**
 * A read hit a damaged page of the journal (SQLITE_CORRUPT, SQLITE_NOTADB). A kind of
 * unavailable, so every caller that handles one handles this; the gateway answers it with its
 * own code, `store_corrupt` (503): a retry will not help until the file is repaired.
 */
export class StoreCorruptError extends StoreUnavailableError {
  readonly problem = 'store_corrupt';
  constructor(what: string, cause?: unknown) {
    super(what, cause);
    this.message = `${what} is corrupt${cause instanceof Error ? `: ${cause.message}` : ''}; restore it from a backup or repair it (sqlite3 .recover)`;
  }
}
