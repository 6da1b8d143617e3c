import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBus } from '../../src/events/index.js';
import { testBus } from './support.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** A responder answering `validate` requests with `answer(payload)`. */
function responder(bus: EventBus, name: string, answer: (payload: unknown) => unknown) {
  return bus.subscribe(`responder-${name}`, {
    types: ['validate'],
    lateJoin: true,
    handler: (e) => void bus.respond(e, name, answer((e.data as { payload: unknown }).payload)),
  });
}

const responders = ['store', 'gateway', 'cluster'];

describe('scatter-gather request', () => {
  it('resolves with one response per responder when all answer', async () => {
    const { bus } = testBus();
    bus.start();
    for (const r of responders) responder(bus, r, (p) => ({ ok: true, p }));
    const result = await bus.request({ type: 'validate', data: 42 }, { expectedResponders: responders });
    expect(result.errors).toEqual([]);
    expect(result.responses.map((r) => r.responder).sort()).toEqual([...responders].sort());
    expect(result.responses[0]!.data).toEqual({ ok: true, p: 42 });
  });

  it('times out with the partial result: 1 response, 2 errors naming the missing responders', async () => {
    const { bus } = testBus();
    bus.start();
    responder(bus, 'store', () => 'ok');
    const pending = bus.request({ type: 'validate' }, { expectedResponders: responders, timeoutMs: 500 });
    const assertion = expect(pending).rejects.toMatchObject({
      code: 'OVERSEER_ERR_REQUEST_TIMEOUT',
      partial: { responses: [{ responder: 'store', data: 'ok' }], errors: [{ responder: 'gateway', error: 'no response' }, { responder: 'cluster', error: 'no response' }] },
    });
    await vi.advanceTimersByTimeAsync(500);
    await assertion;
  });

  it('resolves at minResponses (2 of 3) and reports the rest as missing', async () => {
    const { bus } = testBus();
    bus.start();
    responder(bus, 'store', () => 1);
    responder(bus, 'gateway', () => 2);
    const result = await bus.request({ type: 'validate' }, { expectedResponders: responders, minResponses: 2 });
    expect(result.responses).toHaveLength(2);
    expect(result.errors).toEqual([{ responder: 'cluster', error: 'no response' }]);
  });

  it('correlates 10 concurrent requests independently, counting one response per responder', async () => {
    const { bus } = testBus();
    bus.start();
    for (const r of responders) responder(bus, r, (p) => p);
    // a duplicate answer from one responder must not count twice
    bus.subscribe('echo-dup', { types: ['validate'], lateJoin: true, handler: (e) => void bus.respond(e, 'store', 'dup') });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => bus.request({ type: 'validate', data: i }, { expectedResponders: responders })));
    results.forEach((r, i) => {
      expect(r.responses).toHaveLength(3);
      for (const x of r.responses) if (x.responder !== 'store') expect(x.data).toBe(i);
    });
  });

  it('rejects on abort with the partial result', async () => {
    const { bus } = testBus();
    bus.start();
    responder(bus, 'store', () => 'ok');
    const controller = new AbortController();
    const pending = bus.request({ type: 'validate' }, { expectedResponders: responders, signal: controller.signal });
    await Promise.resolve();
    await Promise.resolve();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'OVERSEER_ERR_REQUEST_ABORTED' });
    await expect(bus.request({ type: 'validate' }, { expectedResponders: responders, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'OVERSEER_ERR_REQUEST_ABORTED' });
  });

  it('rejects invalid options: no responders, minResponses out of range', async () => {
    const { bus } = testBus();
    bus.start();
    await expect(bus.request({ type: 'v' }, { expectedResponders: [] })).rejects.toMatchObject({ code: 'OVERSEER_ERR_REQUEST_INVALID' });
    await expect(bus.request({ type: 'v' }, { expectedResponders: ['a'], minResponses: 2 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_REQUEST_INVALID' });
    await expect(bus.request({ type: 'v' }, { expectedResponders: ['a'], minResponses: 0 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_REQUEST_INVALID' });
  });

  it('leaves no subscription behind, whatever the outcome', async () => {
    const { bus } = testBus();
    bus.start();
    responder(bus, 'store', () => 'ok');
    const before = bus.stats().length;
    await bus.request({ type: 'validate' }, { expectedResponders: ['store'] });
    const timedOut = bus.request({ type: 'validate' }, { expectedResponders: ['store', 'nobody'], timeoutMs: 10 }).catch(() => 'timeout');
    await vi.advanceTimersByTimeAsync(10);
    expect(await timedOut).toBe('timeout');
    await bus.request({ type: 'v' }, { expectedResponders: [] }).catch(() => undefined);
    expect(bus.stats().length).toBe(before);
  });

  it('a responder may itself call request from its handler without blocking anyone', async () => {
    const { bus } = testBus();
    bus.start();
    responder(bus, 'leaf', () => 'leaf-ok');
    // 'middle' answers `validate` only after asking `inner` of its own
    bus.subscribe('inner-leaf', { types: ['inner'], lateJoin: true, handler: (e) => void bus.respond(e, 'leaf', 'inner-ok') });
    bus.subscribe('middle', {
      types: ['validate'],
      lateJoin: true,
      handler: (e) => {
        void bus.request({ type: 'inner' }, { expectedResponders: ['leaf'] }).then((r) => bus.respond(e, 'middle', r.responses[0]!.data));
      },
    });
    const result = await bus.request({ type: 'validate' }, { expectedResponders: ['leaf', 'middle'] });
    expect(Object.fromEntries(result.responses.map((r) => [r.responder, r.data]))).toEqual({ leaf: 'leaf-ok', middle: 'inner-ok' });
  });
});
