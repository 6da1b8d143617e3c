import { describe, expect, it } from 'vitest';
import { Deadlines, type Expirable } from '../../src/actors/deadlines.js';
import type { Clock } from '../../src/shared/clock.js';
import { ManualClock } from '../support/manual-clock.js';

class Item implements Expirable {
  deadline = 0;
  settled = false;
  expiredAt: number | undefined;
  constructor(private readonly clock: Clock) {}
  failed: Error | undefined;
  expire(): void {
    this.settled = true;
    this.expiredAt = this.clock.now();
  }
  fail(error: Error): void {
    this.settled = true;
    this.failed = error;
  }
}

describe('Deadlines (one timer for every pending ask)', () => {
  it('expires each entry at its own deadline, whatever order the timeouts come in', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const deadlines = new Deadlines(clock);
    const slow = new Item(clock);
    const fast = new Item(clock);
    deadlines.add(slow, 1000);
    await clock.advance(10);
    deadlines.add(fast, 100); // earlier deadline than the armed one: re-armed
    expect(clock.pending()).toBe(1);
    await clock.advance(100);
    expect(fast.expiredAt).toBe(start + 110);
    expect(slow.expiredAt).toBeUndefined();
    await clock.advance(890);
    expect(slow.expiredAt).toBe(start + 1000);
    expect(clock.pending()).toBe(0);
  });

  it('never expires a settled entry', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const answered = new Item(clock);
    const waiting = new Item(clock);
    deadlines.add(answered, 50);
    deadlines.add(waiting, 50);
    answered.settled = true;
    await clock.advance(50);
    expect(answered.expiredAt).toBeUndefined();
    expect(waiting.expiredAt).toBe(clock.now());
  });

  it('does not expire early when the timer fires before the deadline (clock drift)', async () => {
    const clock = new ManualClock();
    let drift = 1; // the first timer fires 1 ms early, as real timers may against Date.now()
    const early: Clock = {
      now: () => clock.now(),
      clearTimeout: (h) => clock.clearTimeout(h),
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms - drift--),
    };
    const deadlines = new Deadlines(early);
    const item = new Item(clock);
    deadlines.add(item, 100);
    await clock.advance(99);
    expect(item.expiredAt).toBeUndefined();
    await clock.advance(1);
    expect(item.expiredAt).toBe(item.deadline);
  });

  it('keeps memory bounded when one long wait sits in front of many answered asks', () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    deadlines.add(new Item(clock), 5000); // never answered
    for (let i = 0; i < 100_000; i++) {
      const item = new Item(clock);
      deadlines.add(item, 5000);
      item.settled = true;
    }
    const lanes = (deadlines as unknown as { lanes: Map<number, { items: unknown[] }> }).lanes;
    expect(lanes.get(5000)!.items.length).toBeLessThanOrEqual(130);
  });

  it('failAll reaches every waiting entry, those without a deadline (Infinity) included', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const forever = new Item(clock);
    const timed = new Item(clock);
    const answered = new Item(clock);
    deadlines.add(forever, Infinity);
    deadlines.add(timed, 1000);
    deadlines.add(answered, 1000);
    answered.settled = true;
    await clock.advance(1_000_000);
    expect(forever.settled).toBe(false);
    expect(timed.expiredAt).toBeDefined();
    const late = new Item(clock);
    deadlines.add(late, 5000);
    deadlines.failAll(() => new Error('stopped'));
    expect(forever.failed?.message).toBe('stopped');
    expect(late.failed?.message).toBe('stopped');
    expect(answered.failed).toBeUndefined();
    expect(clock.pending()).toBe(0);
  });
});
