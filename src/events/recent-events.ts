/**
 * The last N events (default 1000) in a fixed ring, for diagnostics: query by type, time
 * window, predicate and limit, oldest first.
 */
import type { Envelope } from './envelope.js';
import type { EventEnvelope } from './catalogue.js';

export interface RecentQuery {
  types?: readonly string[];
  /** Only events at or after this time (ms since the epoch, or a Date). */
  since?: number | Date;
  /** Only events at or before this time. */
  until?: number | Date;
  where?: (event: EventEnvelope) => boolean;
  /** The newest `limit` matches (still returned oldest first). */
  limit?: number;
}

export class RecentEvents {
  private readonly slots: (Envelope | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity);
  }

  add(event: Envelope): void {
    if (this.capacity === 0) return;
    this.slots[this.next] = event;
    if (++this.next === this.capacity) this.next = 0;
    if (this.count < this.capacity) this.count++;
  }

  query(q: RecentQuery = {}): EventEnvelope[] {
    const types = q.types ? new Set(q.types) : undefined;
    const since = q.since === undefined ? -Infinity : +q.since;
    const until = q.until === undefined ? Infinity : +q.until;
    const out: EventEnvelope[] = [];
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const e = this.slots[(first + i) % this.capacity]!;
      if (types && !types.has(e.type)) continue;
      if (e.at < since || e.at > until) continue;
      if (q.where && !q.where(e)) continue;
      out.push(e);
    }
    return q.limit !== undefined ? out.slice(Math.max(0, out.length - q.limit)) : out;
  }
}
