import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingServices, rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const backoff = { initialMs: 100, maxMs: 400, factor: 2, jitter: 0, resetAfterMs: 10_000 };

describe('restart backoff', () => {
  it('waits the configured curve before each restart, with status backoff meanwhile', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter')], { backoff, intensity: { maxRestarts: 100, periodMs: 1000 } }));
    await t.root.start();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      t.cell('root/w').send({ type: 'crash' });
      await settle();
      const ev = t.events.filter((e) => e.type === 'child_restarting').at(-1)!;
      delays.push(ev.data.delayMs as number);
      expect(t.cell('root/w').status).toBe('backoff');
      await vi.advanceTimersByTimeAsync((ev.data.delayMs as number) - 1);
      expect(t.cell('root/w').status).toBe('backoff');
      await vi.advanceTimersByTimeAsync(1);
      expect(t.cell('root/w').status).toBe('ready');
    }
    expect(delays).toEqual([100, 200, 400, 400]);
    await t.root.stop('infinity');
  });

  it('starts the curve again after the child ran for resetAfterMs', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter')], { backoff, intensity: { maxRestarts: 100, periodMs: 1000 } }));
    await t.root.start();
    for (let i = 0; i < 3; i++) {
      t.cell('root/w').send({ type: 'crash' });
      await settle();
      await vi.advanceTimersByTimeAsync(400);
    }
    await vi.advanceTimersByTimeAsync(10_000);
    t.cell('root/w').send({ type: 'crash' });
    await settle();
    expect(t.events.filter((e) => e.type === 'child_restarting').map((e) => e.data.delayMs)).toEqual([100, 200, 400, 100]);
    await t.root.stop('infinity');
  });

  it('keeps jittered delays within their bounds', async () => {
    let r = 0;
    const randoms = [0, 0.999999];
    const services = { ...recordingServices(), random: () => randoms[r++ % 2]! };
    const t = rootOf(supervisor('root', [worker('w', 'counter')], { backoff: { ...backoff, jitter: 0.5 }, intensity: { maxRestarts: 100, periodMs: 1000 } }), services);
    await t.root.start();
    for (let i = 0; i < 2; i++) {
      t.cell('root/w').send({ type: 'crash' });
      await settle();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(t.events.filter((e) => e.type === 'child_restarting').map((e) => e.data.delayMs)).toEqual([50, 300]);
    await t.root.stop('infinity');
  });

  it('a stop during backoff cancels the pending restart', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter')], { backoff }));
    await t.root.start();
    t.cell('root/w').send({ type: 'crash' });
    await settle();
    await t.root.stop('infinity');
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.cell('root/w').status).toBe('stopped');
    expect(t.cell('root/w').ref).toBeUndefined();
  });
});
