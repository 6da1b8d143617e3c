/**
 * The event store's data model (DESIGN §9): stored events, append commands and results,
 * stream-name rules and expected-version semantics. Pure data and pure checks, shared by
 * the journal backends, the actors and the HTTP gateway.
 */

/** An event as stored and served: every field filled in by the store. */
export interface StoredEvent {
  readonly id: string;
  readonly stream: string;
  /** 0-based within its stream. */
  readonly version: number;
  /** Global, 1-based, the `$all` order. */
  readonly position: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** ISO 8601, the commit time of its batch. */
  readonly time: string;
  /**
   * Set only when the stored row cannot be served as it is (written before the JSON bounds,
   * or damaged on disk): `data` is then null and `metadata` {}; the rest of the event holds.
   */
  readonly problem?: EventProblem;
}

/** Why a stored event is served without its data (`type`: `urn:overseer:problem:unreadable_event`). */
export interface EventProblem {
  readonly type: string;
  readonly title: string;
  readonly detail: string;
}

/** An event as a client proposes it. A client `id` makes the append idempotent. */
export interface NewEvent {
  readonly id?: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** `any`: no check; `no_stream`: must be empty; `stream_exists`: must not be; n: current version must be n. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendCommand {
  readonly stream: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  /** The stream's version after the append (pass it as the next expectedVersion). */
  readonly nextExpectedVersion: number;
  /** Global position of the append's last event. */
  readonly position: number;
  /** Versions written by this append; absent when every event was already stored (idempotent retry). */
  readonly written?: { readonly fromVersion: number; readonly toVersion: number };
}

export interface StreamInfo {
  readonly stream: string;
  readonly version: number;
  readonly position: number;
}

/** The version of a stream with no events. */
export const NO_STREAM_VERSION = -1;
export const ALL_STREAM = '$all';

const STREAM_NAME = /^[A-Za-z0-9_.:@-]{1,200}$/;

/** Why `name` is not a valid stream name to write or read, or undefined when it is. */
export function streamNameProblem(name: string): { reserved: boolean; message: string } | undefined {
  if (name.startsWith('$')) return { reserved: true, message: `stream name "${name}" is reserved: names starting with "$" belong to the store` };
  if (!STREAM_NAME.test(name)) return { reserved: false, message: `invalid stream name ${JSON.stringify(name)}: use 1-200 characters of A-Z a-z 0-9 _ . : @ -` };
  return undefined;
}

/** Whether a stream at `current` satisfies `expected`. */
export function expectationMet(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === NO_STREAM_VERSION;
    case 'stream_exists':
      return current > NO_STREAM_VERSION;
    default:
      return current === expected;
  }
}
