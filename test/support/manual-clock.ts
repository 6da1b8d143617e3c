/**
 * A hand-driven Clock for tests that run real I/O (HTTP) next to runtime timers: runtime
 * time moves only when the test calls advance(), while sockets keep real time.
 */
import type { Clock } from '../../src/shared/clock.js';

interface Timer {
  at: number;
  fn: () => void;
  id: number;
}

export class ManualClock implements Clock {
  private time = Date.parse('2026-01-01T00:00:00Z');
  private timers: Timer[] = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const timer = { at: this.time + Math.max(0, ms), fn, id: ++this.seq };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward, firing due timers in order, and lets the work they start settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.time = target;
  }

  pending(): number {
    return this.timers.length;
  }
}
