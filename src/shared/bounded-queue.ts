/**
 * A bounded FIFO with an overflow policy (drop_newest | drop_oldest | reject): actor
 * mailboxes and bus subscription buffers. Storage is a ring that grows on demand up to the
 * capacity, so an idle actor costs a few words, not `capacity` slots.
 */
import type { OverflowPolicy } from '../spec/types.js';


/** What happened to an offered message. */
export type OfferResult = 'queued' | 'dropped_newest' | 'dropped_oldest' | 'rejected';

const INITIAL_SLOTS = 8;

export class BoundedQueue<T> {
  private slots: (T | undefined)[] | null = null;
  private head = 0;
  private size = 0;
  /** Messages lost to overflow since creation (drop_newest, drop_oldest and reject alike). */
  dropped = 0;
  /** The message the last `dropped_oldest` offer evicted (so its sender can be told). */
  evicted: T | undefined;

  constructor(
    readonly capacity: number,
    readonly policy: OverflowPolicy,
  ) {}

  get depth(): number {
    return this.size;
  }

  offer(message: T): OfferResult {
    if (this.size >= this.capacity) {
      this.dropped++;
      if (this.policy === 'drop_newest') return 'dropped_newest';
      if (this.policy === 'reject') return 'rejected';
      this.evicted = this.shift(); // drop_oldest: make room by evicting the head
      this.push(message);
      return 'dropped_oldest';
    }
    this.push(message);
    return 'queued';
  }

  /** Removes and returns the oldest message; undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const slots = this.slots!;
    const message = slots[this.head];
    slots[this.head] = undefined;
    this.head = (this.head + 1) & (slots.length - 1);
    this.size--;
    return message;
  }

  /** Drops every queued message (they count as dropped), each passed to `onDropped`; returns how many there were. */
  clear(onDropped?: (message: T) => void): number {
    const n = this.size;
    if (onDropped) for (let m = this.shift(); m !== undefined; m = this.shift()) onDropped(m);
    this.dropped += n;
    this.slots = null;
    this.head = 0;
    this.size = 0;
    return n;
  }

  private push(message: T): void {
    let slots = this.slots;
    if (slots === null) slots = this.slots = new Array(INITIAL_SLOTS);
    else if (this.size === slots.length) slots = this.grow(slots);
    slots[(this.head + this.size) & (slots.length - 1)] = message;
    this.size++;
  }

  /** Doubles the ring (lengths stay powers of two so indexing is a mask). */
  private grow(old: (T | undefined)[]): (T | undefined)[] {
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.head = 0;
    this.slots = next;
    return next;
  }
}
