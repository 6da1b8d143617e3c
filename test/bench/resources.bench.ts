/**
 * Resources and controllers (issue 15), through the public entry points: 10k resources created
 * over the embedded client and each reconciled once by a no-op controller, against appending
 * the same 10k events to the store directly (same journal settings, same 64 concurrent
 * writers); one change seen by 100 watchers, against one append seen by 100 `$all`
 * subscribers. Each side runs in its own system, started with startSystem().
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineController, eventStore, resources, startSystem, type System } from '../../dist/index.js';
import type { Scenario } from './harness.js';

const WRITERS = 64;
const COUNT = 10_000;
const WATCHERS = 100;
const within = (x: number) => (r: number) => r <= x;
const dataDir = () => mkdtempSync(join(tmpdir(), 'overseer-bench-resources-'));

const STORE = [
  { id: 'persistence', behaviour: 'persistence', params: { synchronous: 'full' } },
  { id: 'notification', behaviour: 'notification' },
  { id: 'store', behaviour: 'store' },
];
const RESOURCES = { id: 'resources', behaviour: 'resources', params: { kinds: [{ kind: 'Widget', plural: 'widgets' }] } };

async function boot(children: unknown[], behaviours = {}): Promise<System> {
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'bench' }, spec: { node: 'bench', dataDir: dataDir(), start: 'sequential', children } },
    behaviours,
    admin: false,
    env: {},
  });
  await system.ready({ timeoutMs: 30_000 });
  return system;
}

/** Runs `count` jobs on `writers` concurrent loops. */
async function concurrently(count: number, writers: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: writers }, async () => {
    for (let i = next++; i < count; i = next++) await job(i);
  }));
}

// ---- 10k created, each reconciled once ---------------------------------------------------

let reconciled = new Set<string>();
let waitingFor: { names: Set<string>; resolve: () => void } | undefined;
const noop = defineController({
  reconcile: (r) => {
    reconciled.add(r.metadata.name);
    if (waitingFor?.names.has(r.metadata.name)) {
      waitingFor.names.delete(r.metadata.name);
      if (waitingFor.names.size === 0) waitingFor.resolve();
    }
  },
});

let controlled: System | undefined;
let plain: System | undefined;
let round = 0;
const spec = (i: number) => ({ size: 'm', n: i, tags: ['a', 'b'] });

const createAndReconcile: Scenario = {
  name: `${COUNT / 1000}k resources created and reconciled once each (per resource)`,
  ours: {
    label: 'resources(system).create × 10k, 64 writers, until a no-op controller reconciled each',
    n: COUNT,
    async run(n) {
      controlled ??= await boot([...STORE, RESOURCES, { id: 'widgets', behaviour: 'noop', params: { kind: 'Widget', resyncPeriodMs: 0, maxConcurrentReconciles: 4 } }], { noop });
      const api = resources(controlled);
      const r = round++;
      const names = Array.from({ length: n }, (_, i) => `w${r}-${i}`);
      reconciled = new Set();
      const done = new Promise<void>((resolve) => (waitingFor = { names: new Set(names), resolve }));
      await concurrently(n, WRITERS, (i) => api.create('Widget', { metadata: { name: names[i]!, labels: { round: String(r) } }, spec: spec(i) }));
      await done;
    },
  },
  baselines: [
    {
      label: 'eventStore(system).append of the same 10k events, 64 writers',
      n: COUNT,
      async run(n) {
        plain ??= await boot(STORE);
        const store = eventStore(plain);
        const r = round++;
        await concurrently(n, WRITERS, (i) =>
          store.append(`res:Widget:default:w${r}-${i}`, [{ type: 'resource_created', data: { object: { apiVersion: 'overseer/v1', kind: 'Widget', metadata: { name: `w${r}-${i}`, namespace: 'default', labels: { round: String(r) } }, spec: spec(i), status: {} } } }], { expectedVersion: 'no_stream' }),
        );
      },
    },
  ],
  targets: [{ baseline: 'eventStore(system).append of the same 10k events, 64 writers', text: 'issue 15: ≤ 2× appending the same events directly', ok: within(2) }],
};

// ---- one change, 100 watchers -------------------------------------------------------------

/** Consumers that count how many of them have seen a given position (learned after the write returns). */
class FanOut {
  private readonly last: number[];
  private target = Number.POSITIVE_INFINITY;
  private seen = 0;
  private resolve: (() => void) | undefined;
  constructor(size: number) {
    this.last = new Array<number>(size).fill(0);
  }

  /** A promise for the next change; its position follows with retarget(). */
  expect(): Promise<void> {
    this.target = Number.POSITIVE_INFINITY;
    this.seen = 0;
    return new Promise((resolve) => (this.resolve = resolve));
  }

  retarget(position: number): void {
    this.target = position;
    this.seen = this.last.filter((p) => p >= position).length;
    this.check();
  }

  async consume(i: number, stream: AsyncIterable<{ position: number }>): Promise<void> {
    for await (const { position } of stream) {
      const before = this.last[i]!;
      this.last[i] = position;
      if (before < this.target && position >= this.target) {
        this.seen++;
        this.check();
      }
    }
  }

  private check(): void {
    if (this.seen < this.last.length) return;
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}

let watched: { system: System; fan: FanOut } | undefined;
let subscribed: { system: System; fan: FanOut } | undefined;
const CHANGES = 200;

const fanOut: Scenario = {
  name: `one change seen by ${WATCHERS} watchers (per change)`,
  ours: {
    label: `resources(system).patchStatus → ${WATCHERS} resources(system).watch() iterators`,
    n: CHANGES,
    async run(n) {
      if (!watched) {
        const system = await boot([...STORE, RESOURCES]);
        const api = resources(system);
        await api.create('Widget', { metadata: { name: 'hot' }, spec: {} });
        const fan = new FanOut(WATCHERS);
        const { metadata } = await api.list('Widget');
        for (let i = 0; i < WATCHERS; i++) {
          const watch = await api.watch('Widget', { resourceVersion: metadata.resourceVersion });
          void fan.consume(i, (async function* () {
            for await (const e of watch) yield { position: Number(e.object.metadata.resourceVersion) };
          })());
        }
        watched = { system, fan };
      }
      const api = resources(watched.system);
      for (let i = 0; i < n; i++) {
        const seenByAll = watched.fan.expect();
        const changed = await api.patchStatus('Widget', 'default', 'hot', { status: { n: round++ } });
        watched.fan.retarget(Number(changed.metadata.resourceVersion));
        await seenByAll;
      }
    },
  },
  baselines: [
    {
      label: `eventStore(system).append → ${WATCHERS} eventStore(system).subscribe() sinks on $all`,
      n: CHANGES,
      async run(n) {
        if (!subscribed) {
          const system = await boot(STORE);
          const store = eventStore(system);
          const { head } = await store.readAll({ limit: 1 });
          const fan = new FanOut(WATCHERS);
          for (let i = 0; i < WATCHERS; i++) void fan.consume(i, await store.subscribe({ afterPosition: head }));
          subscribed = { system, fan };
        }
        const store = eventStore(subscribed.system);
        for (let i = 0; i < n; i++) {
          const seenByAll = subscribed.fan.expect();
          const { position } = await store.append('hot', [{ type: 'resource_updated', data: { object: { status: { n: round++ } } } }]);
          subscribed.fan.retarget(position);
          await seenByAll;
        }
      },
    },
  ],
  targets: [{ baseline: `eventStore(system).append → ${WATCHERS} eventStore(system).subscribe() sinks on $all`, text: 'issue 15: ≤ 2× 100 $all subscribers', ok: within(2) }],
};

export const scenarios: Scenario[] = [createAndReconcile, fanOut];
