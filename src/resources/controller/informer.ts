/**
 * List, then watch from the list's resourceVersion, into a cache of the kind's resources
 * (client-go's informer): every change queues its key. When the watch breaks (the
 * notification actor restarted), it lists again and queues every key, so nothing that
 * happened meanwhile is missed: reconciles are level-triggered, they read the cache.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ResourcesClient } from '../client.js';
import { keyOf, type Resource } from '../model.js';
import type { ResourceWatch } from '../watch.js';

export interface InformerOptions {
  client: ResourcesClient;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  clock: Clock;
  logger: Logger;
  /** A key changed (or may have): queue it. */
  onChange(key: string): void;
  /** How long to wait before listing again after a failure, ms. */
  retryMs?: number;
}

const keyOfResource = (r: Resource) => keyOf(r.metadata.namespace, r.metadata.name);

export class Informer {
  readonly cache = new Map<string, Resource>();
  private watch: ResourceWatch | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private syncedOnce: (() => void) | undefined;
  /** Resolves after the first successful list: the cache holds the state, every key queued. */
  readonly synced: Promise<void>;

  constructor(private readonly options: InformerOptions) {
    this.synced = new Promise((resolve) => (this.syncedOnce = resolve));
  }

  start(): void {
    void this.listAndWatch();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.watch?.close();
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }

  private async listAndWatch(): Promise<void> {
    const { client, kind, namespace, labelSelector, onChange } = this.options;
    try {
      const list = await client.list(kind, { namespace, labelSelector });
      if (this.stopped) return;
      const seen = new Set<string>();
      for (const object of list.items) {
        const key = keyOfResource(object);
        seen.add(key);
        this.cache.set(key, object);
      }
      // Gone while we were not watching: their reconcile finds nothing and forgets them.
      for (const key of [...this.cache.keys()]) if (!seen.has(key)) this.cache.delete(key);
      const watch = await client.watch(kind, { namespace, labelSelector, resourceVersion: list.metadata.resourceVersion, capacity: 10_000 });
      if (this.stopped) return void watch.close();
      this.watch = watch;
      for (const key of seen) onChange(key);
      this.syncedOnce?.();
      this.syncedOnce = undefined;
      for await (const { type, object } of watch) {
        const key = keyOfResource(object);
        if (type === 'DELETED') this.cache.delete(key);
        else this.cache.set(key, object);
        onChange(key);
      }
      if (!this.stopped) throw new Error('the watch ended');
    } catch (error) {
      if (this.stopped) return;
      const retryMs = this.options.retryMs ?? 1000;
      this.options.logger.warn({ err: error, kind, retryInMs: retryMs }, 'controller: list/watch failed; listing again');
      this.timer = this.options.clock.setTimeout(() => void this.listAndWatch(), retryMs);
    }
  }
}
