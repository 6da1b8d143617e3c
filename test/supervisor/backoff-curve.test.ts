import { describe, expect, it } from 'vitest';
import { BackoffState, backoffDelay } from '../../src/supervisor/backoff.js';

const spec = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0, resetAfterMs: 5000 };

describe('backoff delays', () => {
  it('follow initialMs × factor^(n-1) capped at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(spec, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('stay within ±jitter of the curve', () => {
    const jittered = { ...spec, jitter: 0.2 };
    expect(backoffDelay(jittered, 3, () => 0)).toBe(320);
    expect(backoffDelay(jittered, 3, () => 0.999999)).toBe(480);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(jittered, 2, Math.random);
      expect(d).toBeGreaterThanOrEqual(160);
      expect(d).toBeLessThanOrEqual(240);
    }
  });

  it('start again after the child ran for resetAfterMs', () => {
    const state = new BackoffState();
    expect(state.next(5000, 10)).toBe(1);
    expect(state.next(5000, 10)).toBe(2);
    expect(state.next(5000, 4999)).toBe(3);
    expect(state.next(5000, 5000)).toBe(1);
  });
});
