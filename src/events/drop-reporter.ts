/**
 * Rate-limited `messages_dropped` events for critical subscribers: the first drop of a
 * burst is reported after at most `intervalMs`, with the count of the whole burst.
 */
import type { Clock } from '../shared/clock.js';
import type { EventInput } from './catalogue.js';

export class DropReporter {
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly publish: (event: EventInput) => void,
  ) {}

  record(subscriber: string): void {
    const count = this.pending.get(subscriber);
    if (count !== undefined) return void this.pending.set(subscriber, count + 1);
    this.pending.set(subscriber, 1);
    this.clock.setTimeout(() => {
      const total = this.pending.get(subscriber) ?? 0;
      this.pending.delete(subscriber);
      this.publish({ type: 'messages_dropped', source: 'bus', data: { path: `bus/${subscriber}`, count: total, policy: 'drop_newest' } });
    }, this.intervalMs);
  }
}
