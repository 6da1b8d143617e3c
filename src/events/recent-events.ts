/**
 * The last N events (default 1000) in a fixed ring, for diagnostics and for resuming: every
 * event gets a sequence number on its bus (1, 2, … in publish order, never reused). Query by
 * type, time window, predicate and limit, oldest first; or read on from a cursor (the admin
 * `/events` stream resumes a client's `Last-Event-ID` with one).
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
  /** The newest `limit` matches (still returned oldest first); with a `cursor`, the oldest `limit` after it. */
  limit?: number;
  /** @internal Read on from a reader's place instead of over the whole ring. */
  cursor?: RingCursor;
}

/**
 * @internal A reader's place in the ring. A query with a cursor returns the matches after
 * `seq` and moves `seq` on: to the last event returned when `limit` stopped it, else to the
 * newest event (what did not match is read past too).
 */
export interface RingCursor {
  /** In and out: the last sequence number read past. Undefined: start after the newest (nothing is returned). */
  seq?: number;
  /** Out: the sequence number of each event returned, in order. */
  seqs: number[];
  /** Out: events after the incoming `seq` that the ring no longer held, so this reader never gets them. */
  missed: number;
  /** Out: the incoming `seq` was beyond the newest: it is not from this ring (an earlier process's); read from the oldest. */
  unknown: boolean;
}

export class RecentEvents {
  private readonly slots: (Envelope | undefined)[];
  private next = 0;
  private count = 0;
  /** Events ever added: the newest event's sequence number. */
  private added = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity);
  }

  add(event: Envelope): void {
    this.added++;
    if (this.capacity === 0) return;
    this.slots[this.next] = event;
    if (++this.next === this.capacity) this.next = 0;
    if (this.count < this.capacity) this.count++;
  }

  query(q: RecentQuery = {}): EventEnvelope[] {
    const matches = this.matcher(q);
    if (q.cursor) return this.readOn(q.cursor, matches, q.limit ?? Infinity);
    const out: EventEnvelope[] = [];
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const e = this.slots[(first + i) % this.capacity]!;
      if (matches(e)) out.push(e);
    }
    return q.limit !== undefined ? out.slice(Math.max(0, out.length - q.limit)) : out;
  }

  private readOn(cursor: RingCursor, matches: (e: Envelope) => boolean, limit: number): EventEnvelope[] {
    const oldest = this.added - this.count + 1; // sequence number of the oldest event held
    cursor.seqs = [];
    cursor.unknown = cursor.seq !== undefined && cursor.seq > this.added;
    let after = cursor.seq === undefined ? this.added : cursor.unknown ? 0 : cursor.seq;
    cursor.missed = cursor.unknown ? 0 : Math.max(0, oldest - 1 - after);
    after = Math.max(after, oldest - 1);
    const out: EventEnvelope[] = [];
    let seq = after;
    while (seq < this.added && out.length < limit) {
      seq++;
      const e = this.slots[(seq - 1) % this.capacity]!;
      if (!matches(e)) continue;
      out.push(e);
      cursor.seqs.push(seq);
    }
    cursor.seq = seq;
    return out;
  }

  private matcher(q: RecentQuery): (e: Envelope) => boolean {
    const types = q.types ? new Set(q.types) : undefined;
    const since = q.since === undefined ? -Infinity : +q.since;
    const until = q.until === undefined ? Infinity : +q.until;
    const where = q.where;
    return (e) => (!types || types.has(e.type)) && e.at >= since && e.at <= until && (!where || where(e));
  }
}
