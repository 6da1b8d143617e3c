/**
 * The current resources, folded from the journal in `$all` order: what the `resources` actor
 * serves. `cursor` is the last position applied, so a list taken now is the state at exactly
 * that position, and a watch from it misses nothing and repeats nothing. `reached()` lets
 * reads wait until acknowledged writes are folded in (read-your-writes).
 */
import type { StoredEvent } from '../eventstore/model.js';
import { decodeChange, type StoredChange } from './journal.js';
import type { Resource } from './model.js';
import type { Selector } from './selector.js';

export class ResourceProjection {
  /** The last `$all` position applied. */
  cursor = 0;
  private readonly byKind = new Map<string, Map<string, Resource>>();
  /** Stream versions of every resource stream seen, deleted ones too (a re-creation appends after them). */
  private readonly versions = new Map<string, number>();
  /** Waiters by position, resolved once the cursor reaches it (appends mostly arrive in order). */
  private waiters: { position: number; resolve: () => void }[] = [];

  /** Folds one event in (any event: the cursor moves for all of them). */
  apply(event: StoredEvent): StoredChange | undefined {
    const change = decodeChange(event);
    if (change) {
      this.versions.set(event.stream, change.streamVersion);
      let objects = this.byKind.get(change.kind);
      if (!objects) this.byKind.set(change.kind, (objects = new Map()));
      if (change.type === 'deleted') objects.delete(change.key);
      else objects.set(change.key, change.object);
    }
    if (event.position > this.cursor) this.cursor = event.position;
    if (this.waiters.length > 0 && this.waiters[0]!.position <= this.cursor) this.release();
    return change;
  }

  get(kind: string, key: string): Resource | undefined {
    return this.byKind.get(kind)?.get(key);
  }

  /** The resources of `kind`, by namespace then name. */
  list(kind: string, namespace: string | undefined, selector: Selector): Resource[] {
    const out: Resource[] = [];
    for (const object of this.byKind.get(kind)?.values() ?? []) {
      if (namespace !== undefined && object.metadata.namespace !== namespace) continue;
      if (!selector.empty && !selector.matches(object.metadata.labels)) continue;
      out.push(object);
    }
    return out.sort((a, b) => compare(a.metadata.namespace, b.metadata.namespace) || compare(a.metadata.name, b.metadata.name));
  }

  count(kind: string): number {
    return this.byKind.get(kind)?.size ?? 0;
  }

  /** The version of `stream` (-1: no such stream). */
  streamVersion(stream: string): number {
    return this.versions.get(stream) ?? -1;
  }

  /** Resolves once every event up to `position` has been applied. */
  reached(position: number): Promise<void> {
    if (position <= this.cursor) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      const last = this.waiters[this.waiters.length - 1];
      if (last === undefined || last.position <= position) this.waiters.push(waiter);
      else this.waiters.splice(this.insertAt(position), 0, waiter);
    });
  }

  private insertAt(position: number): number {
    let lo = 0;
    let hi = this.waiters.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.waiters[mid]!.position <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private release(): void {
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.position <= this.cursor) this.waiters[n++]!.resolve();
    this.waiters = this.waiters.slice(n);
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
