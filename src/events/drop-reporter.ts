/**
 * Rate-limited `messages_dropped` events for critical subscribers: the first drop of a
 * burst is reported after at most `intervalMs`, with the count of the whole burst.
 */
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { EventInput } from './catalogue.js';

export class DropReporter {
  private readonly pending = new Map<string, number>();
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly publish: (event: EventInput) => void,
  ) {}

  record(subscriber: string): void {
    const count = this.pending.get(subscriber);
    if (count !== undefined) return void this.pending.set(subscriber, count + 1);
    this.pending.set(subscriber, 1);
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      const total = this.pending.get(subscriber) ?? 0;
      this.pending.delete(subscriber);
      this.publish({ type: 'messages_dropped', source: 'bus', data: { path: `bus/${subscriber}`, count: total, policy: 'drop_newest' } });
    }, this.intervalMs);
    this.timers.add(timer);
  }

  /** The bus closed: pending reports are dropped with their timers. */
  close(): void {
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }
}
