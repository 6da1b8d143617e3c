/**
 * The consumer's end of a store subscription: a bounded buffer read as an async iterable.
 * The notification actor only ever pushes as many events as there is room for; when the
 * consumer has made room again the sink asks for more (`onDemand`), so a slow consumer is
 * fed from the store later instead of losing events.
 */
import type { StoredEvent } from '../model.js';

export class EventSink implements AsyncIterable<StoredEvent> {
  private buffer: StoredEvent[] = [];
  private next = 0;
  private waiter: ((result: IteratorResult<StoredEvent>) => void) | undefined;
  private failWaiter: ((error: Error) => void) | undefined;
  private ended = false;
  private endError: Error | undefined;
  private hungry = false;
  /** Set by the producer: called when room has come back after the buffer was full. */
  onDemand: (() => void) | undefined;
  /** Set by the producer: called once when the consumer stops reading. */
  onClose: (() => void) | undefined;
  /** Set by the consumer: called once when the producer ends the subscription (not on `close()`), even while events still wait unread. */
  onEnd: ((error: Error | undefined) => void) | undefined;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`sink capacity must be a positive integer, got ${capacity}`);
  }

  /** Room for this many more events. */
  get free(): number {
    return this.capacity - (this.buffer.length - this.next);
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Producer: adds events (never more than `free`). */
  push(events: readonly StoredEvent[]): void {
    if (this.ended) return;
    if (events.length > this.free) throw new RangeError(`sink overflow: ${events.length} events for ${this.free} free slots`);
    let i = 0;
    if (this.waiter && events.length > 0) {
      const resolve = this.waiter;
      this.waiter = this.failWaiter = undefined;
      resolve({ value: events[0]!, done: false });
      i = 1;
    }
    for (; i < events.length; i++) this.buffer.push(events[i]!);
    if (this.free === 0) this.hungry = true;
  }

  /** Producer: no more events (with an error when the subscription broke). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = error;
    if (this.waiter) {
      const [resolve, reject] = [this.waiter, this.failWaiter!];
      this.waiter = this.failWaiter = undefined;
      if (error) reject(error);
      else resolve({ value: undefined, done: true });
    }
    this.onDemand = undefined;
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.(error);
  }

  /** Consumer: stop reading; the producer is told and forgets the subscription. */
  close(): void {
    const onClose = this.onClose;
    this.onClose = undefined;
    this.onEnd = undefined;
    this.end();
    this.buffer = [];
    this.next = 0;
    onClose?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return {
      next: () => this.take(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private take(): Promise<IteratorResult<StoredEvent>> {
    if (this.next < this.buffer.length) {
      const value = this.buffer[this.next++]!;
      if (this.next === this.buffer.length) {
        this.buffer = [];
        this.next = 0;
      }
      this.maybeDemand();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return this.endError ? Promise.reject(this.endError) : Promise.resolve({ value: undefined, done: true });
    this.maybeDemand();
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  /** Ask for more once half the buffer is free again (not after every event). */
  private maybeDemand(): void {
    if (this.hungry && this.free * 2 >= this.capacity) {
      this.hungry = false;
      this.onDemand?.();
    }
  }
}
