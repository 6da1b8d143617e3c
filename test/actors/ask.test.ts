import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendTo, setup, fromCallback, type AnyActorRef } from 'xstate';
import { ask } from '../../src/actors/reply.js';
import { systemClock } from '../../src/shared/clock.js';
import { Deadlines } from '../../src/actors/deadlines.js';
import { recordingServices, rootOf } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const pinger = setup({ types: {} as { events: { type: 'ping'; replyTo: AnyActorRef } } }).createMachine({
  on: { ping: { actions: sendTo(({ event }) => event.replyTo, { type: 'pong' }) } },
});
const callbackPinger = fromCallback<{ type: 'ping'; replyTo: { send(e: unknown): void } }>(({ receive }) => {
  receive((e) => e.replyTo.send({ type: 'pong', via: 'callback' }));
});
const silent = fromCallback(() => undefined);

async function tree() {
  const t = rootOf(
    supervisor('root', [worker('m', 'pinger'), worker('c', 'callbackPinger'), worker('s', 'silent')]),
    recordingServices({ pinger, callbackPinger, silent }),
  );
  await t.root.start();
  const deadlines = new Deadlines(systemClock);
  const askOf = (path: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
    ask(path, { type: 'ping' }, opts, deadlines, (m) => t.cell(path).send(m));
  return { t, askOf };
}

describe('ask', () => {
  it("resolves with the reply sent through XState's own sendTo(event.replyTo)", async () => {
    const { askOf } = await tree();
    await expect(askOf('root/m')).resolves.toEqual({ type: 'pong' });
  });

  it('resolves with the reply sent by event.replyTo.send from any logic', async () => {
    const { askOf } = await tree();
    await expect(askOf('root/c')).resolves.toEqual({ type: 'pong', via: 'callback' });
  });

  it('rejects with AskTimeoutError when no reply comes in time', async () => {
    const { askOf } = await tree();
    const pending = askOf('root/s', { timeoutMs: 250 });
    const assertion = expect(pending).rejects.toMatchObject({ code: 'OVERSEER_ERR_ASK_TIMEOUT', timeoutMs: 250 });
    await vi.advanceTimersByTimeAsync(250);
    await assertion;
  });

  it('rejects with AskAbortedError when the signal aborts, and at once for an aborted signal', async () => {
    const { askOf } = await tree();
    const controller = new AbortController();
    const pending = askOf('root/s', { signal: controller.signal, timeoutMs: 10_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'OVERSEER_ERR_ASK_ABORTED' });
    await expect(askOf('root/s', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'OVERSEER_ERR_ASK_ABORTED' });
  });

  it('rejects with the delivery error when the message cannot be sent', async () => {
    const { t, askOf } = await tree();
    await t.root.terminateChild('s');
    await expect(askOf('root/s')).rejects.toMatchObject({ code: 'OVERSEER_ERR_NOT_RUNNING' });
  });
});
