/**
 * Request/response: `ask` puts a ReplyRef in the message as `replyTo`; the first event sent
 * to it settles the promise. ReplyRef answers both `ref.send(e)` from any logic and XState's
 * own `sendTo(({ event }) => event.replyTo, …)`, which relays through the target's `_send`.
 */
import { AskAbortedError, AskTimeoutError } from '../shared/errors.js';
import type { EventObject } from 'xstate';
import type { Deadlines, Expirable } from './deadlines.js';
import { withField } from '../shared/with-field.js';

let replySeq = 0;

export class ReplyRef<R = unknown> implements Expirable {
  settled = false;
  deadline = Infinity;
  private readonly seq = ++replySeq;
  private signal: AbortSignal | undefined;
  private onAbort: (() => void) | undefined;

  constructor(
    private readonly path: string,
    private readonly timeoutMs: number,
    private readonly resolve: (reply: R) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** For XState, which names refs by id/sessionId (built on read: most asks never need it). */
  get id(): string {
    return `reply-${this.seq}`;
  }

  get sessionId(): string {
    return this.id;
  }

  /** Any logic: `event.replyTo.send({ type: 'pong' })`. */
  send(event: EventObject): void {
    if (this.settled) return;
    this.cleanup();
    this.resolve(event as R);
  }

  /** @internal XState's system relays `sendTo` targets through `_send`. */
  _send(event: EventObject): void {
    this.send(event);
  }

  /** Snapshot-like answer for code that inspects refs (devtools, inspectors). */
  getSnapshot(): { status: 'active' | 'done' } {
    return { status: this.settled ? 'done' : 'active' };
  }

  toJSON(): { xstate$$type: number; id: string } {
    return { xstate$$type: 1, id: this.id };
  }

  /** @internal */
  arm(deadlines: Deadlines, signal: AbortSignal | undefined): void {
    if (signal) {
      if (signal.aborted) return this.fail(new AskAbortedError(this.path, signal.reason));
      this.signal = signal;
      this.onAbort = () => this.fail(new AskAbortedError(this.path, signal.reason));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    deadlines.add(this, this.timeoutMs); // an Infinity lane never fires; it lets stop() reach every ask
  }

  /** @internal The deadline passed. */
  expire(): void {
    this.fail(new AskTimeoutError(this.path, this.timeoutMs));
  }

  /** @internal Settles with an error (timeout, abort, or the message could not be delivered). */
  fail(error: Error): void {
    if (this.settled) return;
    this.cleanup();
    this.reject(error);
  }

  private cleanup(): void {
    this.settled = true; // its deadline entry is dropped lazily
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

export interface AskOptions {
  /** Default 5000 ms; `Infinity` waits forever (an AbortSignal can still end it). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_ASK_TIMEOUT_MS = 5000;

/** The `replyTo` of a message, when it came from `ask` (the cell watches these for its exit). */
export function replyOf(message: EventObject): ReplyRef | undefined {
  const replyTo = (message as { replyTo?: unknown }).replyTo;
  return replyTo instanceof ReplyRef ? replyTo : undefined;
}

/**
 * Sends `message` with a fresh `replyTo` through `deliver` and resolves with the first reply.
 * `deliver` throws synchronously when the message cannot be sent (unknown path, full mailbox).
 */
export function ask<R>(
  path: string,
  message: EventObject,
  options: AskOptions,
  deadlines: Deadlines,
  deliver: (message: EventObject & { replyTo: ReplyRef<R> }, replyTo: ReplyRef<R>) => void,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const replyTo = new ReplyRef<R>(path, options.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS, resolve, reject);
    replyTo.arm(deadlines, options.signal);
    if (replyTo.settled) return;
    try {
      deliver(withField(message, 'replyTo', replyTo), replyTo);
    } catch (error) {
      replyTo.fail(error as Error);
    }
  });
}
