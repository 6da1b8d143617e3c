/**
 * What the observer page receives over HTTP, as the page sees it: the /status node, a bus
 * event envelope, a problem document. Declared here rather than imported from the runtime so
 * the page's own type check (lib DOM, no Node types) never pulls server code in; a unit test
 * checks that the runtime's StatusNode and EventEnvelope still fit these shapes.
 */

/** `standby`: a `placement: leader` child on a node that is not the leader (DESIGN §14). */
export type ActorStatus = 'starting' | 'running' | 'ready' | 'backoff' | 'stopping' | 'stopped' | 'failed' | 'completed' | 'standby';

export interface WireExit {
  readonly reason: string;
  readonly error?: string;
  /** ISO 8601 */
  readonly at: string;
}

export interface WireMailbox {
  readonly depth: number;
  readonly capacity: number;
  readonly dropped: number;
}

/** A node of GET /status (DESIGN §8). */
export interface WireNode {
  readonly id: string;
  readonly path: string;
  readonly type: 'supervisor' | 'worker';
  readonly behaviour?: string;
  readonly strategy?: string;
  readonly status: ActorStatus;
  readonly ready: boolean;
  readonly required: boolean;
  readonly restarts: number;
  readonly lastExit: WireExit | null;
  readonly mailbox?: WireMailbox;
  readonly startedAt: string | null;
  readonly instance: string | null;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly info?: Readonly<Record<string, unknown>>;
  readonly children?: readonly WireNode[];
  readonly childCount?: number;
}

/** A bus event as GET /events sends it (DESIGN §5). */
export interface WireEvent {
  readonly id: string;
  readonly type: string;
  readonly category: string;
  readonly system: string;
  readonly node: string;
  readonly source: string;
  /** ISO 8601 */
  readonly time: string;
  readonly data: unknown;
}

/** An application/problem+json body (RFC 9457) as the admin endpoint writes it. */
export interface WireProblem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly problems?: readonly { path?: string; message?: string; line?: number; col?: number }[];
  readonly [extra: string]: unknown;
}

/** One entry of GET /actors/{path}/history. */
export interface WireHistoryEntry {
  readonly time: string;
  readonly changed: Readonly<Record<string, unknown>>;
  readonly previous: Readonly<Record<string, unknown>>;
  readonly source: string;
}

/** Reads a field of an event's data without trusting its shape. */
export function field<T = unknown>(data: unknown, key: string): T | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  return (data as Record<string, unknown>)[key] as T | undefined;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
