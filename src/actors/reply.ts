/**
 * Request/response: `ask` puts a ReplyRef in the message as `replyTo`; the first event sent
 * to it settles the promise. ReplyRef answers both `ref.send(e)` from any logic and XState's
 * own `sendTo(({ event }) => event.replyTo, …)`, which relays through the target's `_send`.
 */
import { AskAbortedError, AskTimeoutError } from '../shared/errors.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { EventObject } from 'xstate';

let replySeq = 0;

export class ReplyRef<R = unknown> {
  readonly id: string;
  readonly sessionId: string;
  private settled = false;
  private timer: TimerHandle | undefined;
  private signal: AbortSignal | undefined;
  private readonly onAbort = (): void => this.fail(new AskAbortedError(this.path, this.signal?.reason));

  constructor(
    private readonly path: string,
    private readonly resolve: (reply: R) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.id = this.sessionId = `reply-${++replySeq}`;
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
  arm(clock: Clock, timeoutMs: number, signal: AbortSignal | undefined): void {
    if (signal) {
      if (signal.aborted) return this.onAbort();
      this.signal = signal;
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (Number.isFinite(timeoutMs)) {
      this.timer = clock.setTimeout(() => this.fail(new AskTimeoutError(this.path, timeoutMs)), timeoutMs);
      this.clock = clock;
    }
  }

  /** @internal Settles with an error (timeout, abort, or the message could not be delivered). */
  fail(error: Error): void {
    if (this.settled) return;
    this.cleanup();
    this.reject(error);
  }

  private clock: Clock | undefined;

  private cleanup(): void {
    this.settled = true;
    if (this.timer !== undefined) this.clock?.clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

export interface AskOptions {
  /** Default 5000 ms; `Infinity` waits forever (an AbortSignal can still end it). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_ASK_TIMEOUT_MS = 5000;

/**
 * Sends `message` with a fresh `replyTo` through `deliver` and resolves with the first reply.
 * `deliver` throws synchronously when the message cannot be sent (unknown path, full mailbox).
 */
export function ask<R>(
  path: string,
  message: EventObject,
  options: AskOptions,
  clock: Clock,
  deliver: (message: EventObject & { replyTo: ReplyRef<R> }) => void,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const replyTo = new ReplyRef<R>(path, resolve, reject);
    replyTo.arm(clock, options.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS, options.signal);
    try {
      deliver({ ...message, replyTo });
    } catch (error) {
      replyTo.fail(error as Error);
    }
  });
}
