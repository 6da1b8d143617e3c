/**
 * Stream versions a PostgreSQL journal already knows, valid up to a global position (`asOf`):
 * looking each stream of a batch up is a third of an append's time. Other nodes append too, so
 * under the append lock the journal reads what changed since `asOf` (the events after it,
 * usually a few batches of other nodes) and looks up only streams it has never seen. Versions
 * only grow with positions, so the newest version of a stream among the events after `asOf`
 * is its current version. Used by one batch at a time (the journal serializes its batches).
 */

export class VersionCache {
  private readonly versions = new Map<string, number>();
  private head = 0;

  constructor(
    /** More streams than this and the cache starts over (bounded memory). */
    private readonly maxStreams = 100_000,
    /** More events after `asOf` than this and the cache starts over (a node idle for long). */
    readonly maxGap = 10_000,
  ) {}

  /** Every event at or below this position is reflected in the cache. */
  get asOf(): number {
    return this.head;
  }

  get size(): number {
    return this.versions.size;
  }

  /** Of `streams`, those the cache cannot answer. */
  misses(streams: readonly string[]): string[] {
    return streams.filter((s) => !this.versions.has(s));
  }

  get(stream: string): number | undefined {
    return this.versions.get(stream);
  }

  /**
   * What a read under the lock found: the head, the newest version of each stream among the
   * events after `asOf` (`changed`; complete only if head - asOf ≤ maxGap) and the versions
   * of streams looked up in full. False when the cache had to start over (changed incomplete).
   */
  refresh(head: number, changed: ReadonlyMap<string, number>, lookedUp: ReadonlyMap<string, number>): boolean {
    if (head - this.head > this.maxGap && this.versions.size > 0) {
      this.versions.clear();
      this.head = head;
      for (const [s, v] of lookedUp) this.versions.set(s, v);
      return false;
    }
    for (const [s, v] of changed) this.versions.set(s, v);
    for (const [s, v] of lookedUp) this.versions.set(s, v);
    this.head = head;
    this.bound();
    return true;
  }

  /** A batch committed, ending at `head`, leaving `written` streams at these versions. */
  committed(head: number, written: ReadonlyMap<string, number>): void {
    for (const [s, v] of written) this.versions.set(s, v);
    this.head = head;
    this.bound();
  }

  private bound(): void {
    if (this.versions.size > this.maxStreams) this.versions.clear(); // asOf stays right: an empty cache answers nothing
  }
}
