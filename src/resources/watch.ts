/**
 * A watch of one kind as an async iterable of WatchEvents, over a store subscription of `$all`
 * from a position: it skips what is not a change of its kind, namespace and selector, so a
 * resume from a resourceVersion delivers exactly what came after it, once. Started without a
 * resourceVersion, it first yields the current resources as ADDED and a BOOKMARK (the state
 * is complete), as Kubernetes' initial events do.
 */
import type { EventSink } from '../eventstore/notification/sink.js';
import { bookmark, decodeChange, watchEventOf } from './journal.js';
import type { KindInfo, WatchEvent } from './model.js';
import type { Selector } from './selector.js';

export interface WatchFilter {
  readonly kind: KindInfo;
  readonly namespace?: string;
  readonly selector: Selector;
}

export class ResourceWatch implements AsyncIterable<WatchEvent> {
  private position: number;
  private initial: WatchEvent[];

  /** @internal Made by the client's watch(). */
  constructor(
    /** @internal The store subscription underneath (the gateway ends it when it stops). */
    readonly sink: EventSink,
    private readonly filter: WatchFilter,
    from: number,
    initial: WatchEvent[] = [],
  ) {
    this.position = from;
    this.initial = initial;
  }

  /** The position the watch has read up to, matching or not: resume from here to miss nothing. */
  get resourceVersion(): string {
    return String(this.position);
  }

  /** A BOOKMARK at the position read up to. */
  bookmark(): WatchEvent {
    return bookmark(this.filter.kind.apiVersion, this.filter.kind.kind, this.position);
  }

  /** Stops the watch; a `for await` over it ends. */
  close(): void {
    this.sink.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      const initial = this.initial;
      this.initial = [];
      yield* initial;
      const { kind, namespace, selector } = this.filter;
      for await (const event of this.sink) {
        this.position = event.position;
        const change = decodeChange(event, false);
        if (!change) continue;
        const watchEvent = watchEventOf(change, kind.kind, namespace, selector);
        if (watchEvent) yield watchEvent;
      }
    } finally {
      this.sink.close();
    }
  }
}
