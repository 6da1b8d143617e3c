/**
 * Restart intensity as OTP defines it: more than `maxRestarts` restarts within `periodMs`
 * and the supervisor gives up. The window holds the restarts of the last period (at most
 * maxRestarts + 1) in a queue with a moving head: recording is O(1) however large
 * maxRestarts is (with a huge one, Array#shift on a full second of restarts took 12 % of a
 * restart), and memory is bounded by what one period can hold.
 */
import type { IntensitySpec } from '../spec/types.js';

export class RestartWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly spec: IntensitySpec) {}

  /** Records a restart at `now`; returns false when that exceeds the intensity. */
  record(now: number): boolean {
    this.times.push(now);
    this.trim(now);
    return this.size <= this.spec.maxRestarts;
  }

  /** Restarts inside the window as of `now` (for /health "restarts in the window"). */
  count(now: number): number {
    this.trim(now);
    return this.size;
  }

  private get size(): number {
    return this.times.length - this.head;
  }

  private trim(now: number): void {
    const horizon = now - this.spec.periodMs;
    while (this.head < this.times.length && this.times[this.head]! <= horizon) this.head++;
    const excess = this.size - (this.spec.maxRestarts + 1);
    if (excess > 0) this.head += excess;
    // Drop the dead prefix once it is most of the array (amortized O(1) per record).
    if (this.head >= 64 && this.head * 2 >= this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
