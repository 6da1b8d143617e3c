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

/**
 * Catch-up pages take turns: one page of one pump per turn of the event loop, in FIFO order.
 * A setImmediate per pump would run every waiting pump's page in the same check phase (six
 * catch-ups held /livez off for 15 ms a turn); one at a time, I/O gets in between pages.
 */
class CatchUpTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const turn = this.waiting.shift();
      if (this.waiting.length > 0) this.schedule(); // the next one on a later turn, after pending I/O
      turn?.();
    });
  }
}

const turns = new CatchUpTurns();

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
        await turns.next();
      }
    } catch (error) {
      this.onFailed(this, error as Error);
    } finally {
      this.reading = false;
    }
  }
}
