import { describe, expect, it } from 'vitest';
import { RestartWindow } from '../../src/supervisor/intensity.js';

describe('restart intensity window', () => {
  it('allows maxRestarts within the period and refuses the next one', () => {
    const w = new RestartWindow({ maxRestarts: 3, periodMs: 5000 });
    expect([0, 10, 20].map((t) => w.record(t))).toEqual([true, true, true]);
    expect(w.record(30)).toBe(false);
  });

  it('forgets restarts older than the period', () => {
    const w = new RestartWindow({ maxRestarts: 2, periodMs: 1000 });
    expect(w.record(0)).toBe(true);
    expect(w.record(500)).toBe(true);
    expect(w.record(1001)).toBe(true); // the one at 0 left the window
    expect(w.count(1001)).toBe(2);
    expect(w.record(1400)).toBe(false);
  });

  it('maxRestarts 0 gives up on the first restart', () => {
    expect(new RestartWindow({ maxRestarts: 0, periodMs: 1000 }).record(0)).toBe(false);
  });

  it('keeps a bounded number of timestamps however many restarts it sees', () => {
    const w = new RestartWindow({ maxRestarts: 5, periodMs: 10 });
    for (let t = 0; t < 100_000; t += 20) w.record(t);
    expect((w as unknown as { times: number[] }).times.length).toBeLessThanOrEqual(128); // dead prefix dropped in batches of 64+
  });

  it('with a huge maxRestarts, holds only the last period and still counts exactly', () => {
    const w = new RestartWindow({ maxRestarts: 1e9, periodMs: 1000 });
    for (let t = 0; t < 100_000; t++) expect(w.record(t)).toBe(true); // 100 restarts per ms
    expect(w.count(99_999)).toBe(1000); // t in (98_999, 99_999]
    expect((w as unknown as { times: number[] }).times.length).toBeLessThanOrEqual(2000);
    expect(w.count(200_000)).toBe(0);
  });
});
