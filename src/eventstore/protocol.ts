/**
 * How the event-store actors talk: every request is an `ask` whose reply is
 * `{ type: 'ok', value }` or `{ type: 'error', error }`, so typed errors (a version conflict)
 * travel to the caller intact, and an actor that is restarting or gone becomes
 * StoreUnavailableError instead of a hang.
 */
import type { Message } from '../actors/cell.js';
import type { AskOptions } from '../actors/reply.js';
import { OverseerError } from '../shared/errors.js';
import { withField } from '../shared/with-field.js';
import { InvalidStoreRequestError, StoreUnavailableError } from './errors.js';

export type Reply<T> = { readonly type: 'ok'; readonly value: T } | { readonly type: 'error'; readonly error: Error };

/** Anything that can answer a message: `event.replyTo` of an ask. */
export interface ReplyTarget {
  send(event: Reply<unknown>): void;
}

export type AskFn = <R>(path: string, message: Message, options?: AskOptions) => Promise<R>;

/** Answers `replyTo` with the value of `work` (sync or async) or with the error it threw. */
export function respond<T>(replyTo: ReplyTarget | undefined, work: () => T | Promise<T>): void {
  if (replyTo === undefined) return; // a plain send: nobody is waiting for the answer
  const fail = (error: unknown) => replyTo.send({ type: 'error', error: error instanceof Error ? error : new Error(String(error), { cause: error }) });
  try {
    const value = work();
    if (value instanceof Promise) value.then((v) => replyTo.send({ type: 'ok', value: v }), fail);
    else replyTo.send({ type: 'ok', value });
  } catch (error) {
    fail(error);
  }
}

/** Asks the actor at `path` and unwraps its Reply; runtime failures (timeout, not running, full mailbox) become StoreUnavailableError. */
export async function call<T>(ask: AskFn, path: string, message: Message, timeoutMs: number): Promise<T> {
  let reply: Reply<T>;
  try {
    reply = await ask<Reply<T>>(path, message, { timeoutMs });
  } catch (error) {
    if (error instanceof OverseerError) throw new StoreUnavailableError(path, error);
    throw error;
  }
  if (reply.type === 'error') throw reply.error;
  return reply.value;
}

/**
 * Sends `message` to `path` with a reply target that hands the Reply to `then`: no promise
 * and no timer of its own, for a hop inside a request whose asker already has a deadline.
 * A message that cannot be delivered (actor gone, mailbox full) answers as unavailable.
 */
export function forward<T>(send: (path: string, message: Message) => void, path: string, message: Message, then: (reply: Reply<T>) => void): void {
  let answered = false;
  const replyTo: ReplyTarget = {
    send: (reply) => {
      if (answered) return;
      answered = true;
      then(reply as Reply<T>);
    },
  };
  try {
    send(path, withField(message, 'replyTo', replyTo));
  } catch (error) {
    replyTo.send({ type: 'error', error: new StoreUnavailableError(path, error) });
  }
}

/** Answers (and logs) a request type an actor does not know, so an asker fails at once instead of at its timeout. */
export function refuseUnknown(logger: { warn(obj: object, msg: string): void }, actor: string, message: { type: string; replyTo?: ReplyTarget }, known: readonly string[]): void {
  logger.warn({ type: message.type }, `${actor}: unknown request type; ignored`);
  message.replyTo?.send({ type: 'error', error: new InvalidStoreRequestError(`${actor}: unknown request type "${String(message.type)}"; expected one of ${known.join(', ')}`) });
}

/** The path of a sibling of the actor at `path` (`root/store` + `persistence` → `root/persistence`). */
export function siblingPath(path: string, id: string): string {
  return `${path.slice(0, path.lastIndexOf('/') + 1)}${id}`;
}
