/**
 * Restart intensity as OTP defines it: more than `maxRestarts` restarts within `periodMs`
 * and the supervisor gives up. The window keeps at most maxRestarts + 1 timestamps, so the
 * check stays O(maxRestarts) however many restarts a long-lived supervisor has seen.
 */
import type { IntensitySpec } from '../spec/types.js';

export class RestartWindow {
  private readonly times: number[] = [];

  constructor(private readonly spec: IntensitySpec) {}

  /** Records a restart at `now`; returns false when that exceeds the intensity. */
  record(now: number): boolean {
    const times = this.times;
    times.push(now);
    const horizon = now - this.spec.periodMs;
    while (times.length > 0 && times[0]! <= horizon) times.shift();
    if (times.length > this.spec.maxRestarts + 1) times.shift();
    return times.length <= this.spec.maxRestarts;
  }

  /** Restarts inside the window as of `now` (for /health "restarts in the window"). */
  count(now: number): number {
    const horizon = now - this.spec.periodMs;
    let n = 0;
    for (const t of this.times) if (t > horizon) n++;
    return n;
  }

  reset(): void {
    this.times.length = 0;
  }
}
