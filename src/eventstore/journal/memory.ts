/**
 * The in-memory journal, for tests and throwaway systems: the same append algorithm as
 * SQLite, nothing durable. Its data lives in a `MemoryStorage` the caller keeps, so a
 * restarted persistence actor finds the events its previous incarnation acknowledged.
 */
import type { StoredEvent, StreamInfo } from '../model.js';
import { applyBatch, type AppendOutcome, type BatchWriter, type Journal } from './journal.js';

export class MemoryStorage {
  /** Index = position - 1. */
  readonly all: StoredEvent[] = [];
  readonly streams = new Map<string, StoredEvent[]>();
  readonly ids = new Map<string, StoredEvent>();
}

export class MemoryJournal implements Journal {
  readonly backend = 'memory';
  private closed = false;

  constructor(private readonly storage: MemoryStorage = new MemoryStorage()) {}

  appendBatch(commands: Parameters<Journal['appendBatch']>[0], time: string): AppendOutcome[] {
    this.assertOpen();
    const { all, streams, ids } = this.storage;
    const writer: BatchWriter = {
      streamVersion: (stream) => (streams.get(stream)?.length ?? 0) - 1,
      findById: (id) => ids.get(id),
      insert: (event) => {
        all.push(event);
        ids.set(event.id, event);
        const list = streams.get(event.stream);
        if (list) list.push(event);
        else streams.set(event.stream, [event]);
      },
    };
    return applyBatch(writer, commands, all.length, time).outcomes;
  }

  readStream(stream: string, from: number, limit: number, direction: 'forward' | 'backward'): StoredEvent[] {
    this.assertOpen();
    const list = this.storage.streams.get(stream) ?? [];
    if (direction === 'forward') return list.slice(Math.max(0, from), Math.max(0, from) + limit);
    const end = Math.min(from, list.length - 1);
    const out: StoredEvent[] = [];
    for (let v = end; v >= 0 && out.length < limit; v--) out.push(list[v]!);
    return out;
  }

  readAll(from: number, limit: number): StoredEvent[] {
    this.assertOpen();
    const start = Math.max(1, from) - 1;
    return this.storage.all.slice(start, start + limit);
  }

  streamVersion(stream: string): number {
    this.assertOpen();
    return (this.storage.streams.get(stream)?.length ?? 0) - 1;
  }

  firstVersionAfter(stream: string, position: number): number {
    this.assertOpen();
    const list = this.storage.streams.get(stream) ?? [];
    const found = list.find((e) => e.position > position);
    return found ? found.version : list.length;
  }

  head(): number {
    this.assertOpen();
    return this.storage.all.length;
  }

  listStreams(after: string, limit: number): StreamInfo[] {
    this.assertOpen();
    return [...this.storage.streams.keys()]
      .filter((name) => name > after)
      .sort()
      .slice(0, limit)
      .map((stream) => {
        const last = this.storage.streams.get(stream)!.at(-1)!;
        return { stream, version: last.version, position: last.position };
      });
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memory journal is closed');
  }
}
