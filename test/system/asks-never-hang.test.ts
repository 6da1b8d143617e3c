/**
 * An ask always settles: a lost message, an actor that exits without replying, and a system
 * that stops each reject at once with a typed error (like a monitor in gen_server:call).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { counter } from '../support/behaviours.js';
import { ManualClock } from '../support/manual-clock.js';

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** Takes asks and never answers; `crash` throws. */
const silent = fromCallback<{ type: string }>(({ receive }) => {
  receive((e) => {
    if (e.type === 'crash') throw new Error('silent crashed');
  });
});

async function start(children: unknown[], extra: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'asks' }, spec: { node: 'n1', children, ...extra } },
    behaviours: { counter, silent },
    admin: false,
    clock,
  });
  running.push(system);
  return { system, clock };
}

/** Puts `root/w` in backoff so messages to it wait in its mailbox. */
async function parkInBackoff(system: System) {
  system.kill('root/w');
  for (let i = 0; i < 50 && system.status().children![1]!.status !== 'backoff'; i++) await Promise.resolve();
  expect(system.status().children![1]!.status).toBe('backoff');
}

const backoff = { initialMs: 10_000, maxMs: 10_000, factor: 1, jitter: 0 };

describe('asks never hang', () => {
  it('an ask dropped by drop_newest overflow rejects at once with MESSAGE_DROPPED (regression: it waited for its timeout)', async () => {
    const { system } = await start([{ id: 'w', behaviour: 'counter', mailbox: { capacity: 1, overflow: 'drop_newest' } }], { backoff });
    await parkInBackoff(system);
    system.send('root/w', { type: 'inc' });
    await expect(system.ask('root/w', { type: 'get' }, { timeoutMs: Infinity })).rejects.toMatchObject({
      code: 'OVERSEER_ERR_MESSAGE_DROPPED',
      reason: 'overflow',
      path: 'root/w',
    });
  });

  it('an ask evicted by drop_oldest overflow rejects at once', async () => {
    const { system } = await start([{ id: 'w', behaviour: 'counter', mailbox: { capacity: 1, overflow: 'drop_oldest' } }], { backoff });
    await parkInBackoff(system);
    const asked = system.ask('root/w', { type: 'get' }, { timeoutMs: Infinity });
    system.send('root/w', { type: 'inc' });
    await expect(asked).rejects.toMatchObject({ code: 'OVERSEER_ERR_MESSAGE_DROPPED', reason: 'overflow' });
  });

  it('an ask cleared from the mailbox by terminateChild rejects at once', async () => {
    const { system } = await start([{ id: 'w', behaviour: 'counter' }], { backoff });
    await parkInBackoff(system);
    const asked = system.ask('root/w', { type: 'get' }, { timeoutMs: Infinity });
    await system.terminateChild('root/w');
    await expect(asked).rejects.toMatchObject({ code: 'OVERSEER_ERR_MESSAGE_DROPPED', reason: 'terminated' });
  });

  it('an ask queued while the actor restarts is answered by the next incarnation', async () => {
    const { system, clock } = await start([{ id: 'w', behaviour: 'counter' }], { backoff });
    await parkInBackoff(system);
    const asked = system.ask('root/w', { type: 'get' }, { timeoutMs: Infinity });
    await clock.advance(10_000);
    await expect(asked).resolves.toEqual({ type: 'count', count: 0 });
  });

  it('an ask delivered to an actor that then exits without replying rejects with ASK_TARGET_EXITED', async () => {
    const { system } = await start([{ id: 'w', behaviour: 'silent' }]);
    const asked = system.ask('root/w', { type: 'question' }, { timeoutMs: Infinity });
    system.send('root/w', { type: 'crash' });
    await expect(asked).rejects.toMatchObject({ code: 'OVERSEER_ERR_ASK_TARGET_EXITED', path: 'root/w', reason: 'error' });
  });

  it('system.stop() rejects every pending ask and ready() waiter (regression: they hung forever)', async () => {
    const { system } = await start([{ id: 'w', behaviour: 'silent' }, { id: 'never', behaviour: 'silent', readiness: { mode: 'signal', timeoutMs: 3_600_000 } }]);
    const asked = system.ask('root/w', { type: 'question' }, { timeoutMs: Infinity });
    const ready = system.ready({ timeoutMs: 3_600_000 });
    await system.stop();
    await expect(asked).rejects.toMatchObject({ code: expect.stringMatching(/^OVERSEER_ERR_(ASK_TARGET_EXITED|NOT_RUNNING)$/) });
    await expect(ready).rejects.toMatchObject({ code: 'OVERSEER_ERR_NOT_RUNNING' });
    await expect(system.ready()).rejects.toMatchObject({ code: 'OVERSEER_ERR_NOT_RUNNING' });
  });
});
