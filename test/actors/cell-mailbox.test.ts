import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OverflowPolicy } from '../../src/spec/types.js';
import { rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const backoff = { initialMs: 1000, maxMs: 1000, factor: 1, jitter: 0, resetAfterMs: 60_000 };

/** A recorder child in backoff (crashed, restart 1 s away): every send now waits in its mailbox. */
async function inBackoff(overflow: OverflowPolicy, capacity: number) {
  const log: { type: string; n?: number }[] = [];
  const t = rootOf(supervisor('root', [worker('w', 'recorder', { params: { log }, mailbox: { capacity, overflow } })], { backoff }));
  await t.root.start();
  t.cell('root/w').send({ type: 'crash' });
  await settle();
  expect(t.cell('root/w').status).toBe('backoff');
  return { t, log };
}

describe('mailbox of a supervised actor', () => {
  it('messages sent while the child is restarting reach the new instance, in order', async () => {
    const { t, log } = await inBackoff('drop_newest', 100);
    for (let n = 1; n <= 5; n++) t.cell('root/w').send({ type: 'msg', n });
    expect(t.cell('root/w').mailboxStats.depth).toBe(5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);
    expect(t.cell('root/w').mailboxStats.depth).toBe(0);
  });

  it.each([
    ['drop_newest', [1, 2, 3]],
    ['drop_oldest', [8, 9, 10]],
  ] as const)('%s overflow keeps the right messages and counts exact drops', async (policy, kept) => {
    const { t, log } = await inBackoff(policy, 3);
    for (let n = 1; n <= 10; n++) t.cell('root/w').send({ type: 'msg', n });
    await settle();
    expect(t.cell('root/w').mailboxStats).toEqual({ depth: 3, capacity: 3, dropped: 7 });
    expect(t.events.filter((e) => e.type === 'messages_dropped').map((e) => e.data)).toEqual([{ path: 'root/w', count: 7, policy }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.map((e) => e.n)).toEqual(kept);
  });

  it('reject overflow throws MailboxFullError to the sender', async () => {
    const { t } = await inBackoff('reject', 2);
    t.cell('root/w').send({ type: 'msg', n: 1 });
    t.cell('root/w').send({ type: 'msg', n: 2 });
    expect(() => t.cell('root/w').send({ type: 'msg', n: 3 })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_MAILBOX_FULL' }));
    expect(t.cell('root/w').mailboxStats.dropped).toBe(1);
  });

  it('a burst of drops is reported once, the next burst again', async () => {
    const { t } = await inBackoff('drop_newest', 1);
    for (let n = 0; n < 4; n++) t.cell('root/w').send({ type: 'msg', n });
    await settle();
    for (let n = 0; n < 2; n++) t.cell('root/w').send({ type: 'msg', n });
    await settle();
    expect(t.events.filter((e) => e.type === 'messages_dropped').map((e) => e.data.count)).toEqual([3, 2]);
  });

  it('messages sent to a stopped child are refused with NotRunningError', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'recorder')]));
    await t.root.start();
    await t.root.terminateChild('w');
    expect(() => t.cell('root/w').send({ type: 'msg' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_NOT_RUNNING' }));
  });

  it('an actor sending to itself while processing goes through the bounded mailbox, in order', async () => {
    const log: number[] = [];
    const { fromCallback } = await import('xstate');
    const services = (await import('../support/services.js')).recordingServices({
      selfish: fromCallback<{ type: string; n: number }>(({ receive }) => {
        receive((e) => {
          log.push(e.n);
          if (e.n < 5) t.cell('root/s').send({ type: 'next', n: e.n + 1 });
        });
      }),
    });
    const t = rootOf(supervisor('root', [worker('s', 'selfish')]), services);
    await t.root.start();
    t.cell('root/s').send({ type: 'next', n: 1 });
    expect(log).toEqual([1]); // the re-entrant send was queued, not processed inside the first
    await settle();
    expect(log).toEqual([1, 2, 3, 4, 5]);
  });
});
