/**
 * One subscription: a cursor into a stream (next version) or `$all` (next position) that
 * reads pages from the journal into the subscriber's sink. Catch-up and live are the same
 * loop: new appends only wake it. One read at a time and the cursor moves only by what was
 * delivered, so events arrive in order, without gaps or duplicates; a full sink pauses the
 * loop until the consumer makes room. Catch-up yields to the event loop between pages: a
 * reader catching up over 100k events must not hold off probes and other requests meanwhile.
 */
import type { StoredEvent } from '../model.js';
import type { EventSink } from './sink.js';

export interface PumpSource {
  /** Up to `limit` events of the subscription from `cursor` on. */
  read(cursor: number, limit: number): Promise<StoredEvent[]>;
}

/** Resolves on a later turn of the event loop, after pending I/O (setImmediate, not a microtask). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type PumpState = 'catching_up' | 'live' | 'paused' | 'ended';

export class Pump {
  private reading = false;
  private woken = false;
  state: PumpState = 'catching_up';

  constructor(
    readonly id: string,
    /** `$all` or a stream name. */
    readonly stream: string,
    /** Next version (stream) or next position (`$all`). */
    private cursor: number,
    private readonly sink: EventSink,
    private readonly source: PumpSource,
    private readonly pageSize: number,
    /** The subscription broke (the store failed to answer): the owner forgets it. */
    private readonly onFailed: (pump: Pump, error: Error) => void,
  ) {
    sink.onDemand = () => this.wake();
  }

  /** The next version (stream) or position (`$all`) to deliver. */
  get next(): number {
    return this.cursor;
  }

  get all(): boolean {
    return this.stream === '$all';
  }

  /** New events may exist (an append, or room in the sink): read if not already reading. */
  wake(): void {
    if (this.state === 'ended') return;
    if (this.reading) {
      this.woken = true;
      return;
    }
    void this.loop();
  }

  /** Ends the subscription from the producer side (the notification actor stops). */
  end(error?: Error): void {
    this.state = 'ended';
    this.sink.end(error);
  }

  private async loop(): Promise<void> {
    this.reading = true;
    try {
      for (;;) {
        this.woken = false;
        const room = Math.min(this.pageSize, this.sink.free);
        if (this.sink.closed) return void (this.state = 'ended');
        if (room === 0) return void (this.state = 'paused'); // the sink calls wake() when it has room
        const events = await this.source.read(this.cursor, room);
        if (this.state === 'ended' || this.sink.closed) return void (this.state = 'ended');
        if (events.length > 0) {
          this.sink.push(events);
          const last = events[events.length - 1]!;
          this.cursor = this.all ? last.position + 1 : last.version + 1;
        }
        if (events.length < room && !this.woken) return void (this.state = 'live');
        await nextTurn();
      }
    } catch (error) {
      this.onFailed(this, error as Error);
    } finally {
      this.reading = false;
    }
  }
}
