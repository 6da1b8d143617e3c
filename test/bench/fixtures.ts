/**
 * Shared benchmark fixtures: the same behaviours run raw and supervised. Every benchmarked
 * system starts through the public entry, `startSystem({ spec: <object>, behaviours, admin:
 * false })` from dist/index.js, so the control plane (readiness model subscribed to the bus)
 * is in every tree and the config loader runs as it does for users. `preparedSystem` moves
 * only the loader out of a timed region (same spec, same control plane) to show its share.
 */
import { assign, createActor, fromCallback, setup, type AnyActorLogic } from 'xstate';
import { loadSpecObject, startSystem, type System, type SystemSpec } from '../../dist/index.js';
import { BehaviourRegistry } from '../../dist/actors/registry.js';
import { silentLogger } from '../../dist/shared/logger.js';
import { actorClock, systemClock } from '../../dist/shared/clock.js';
import { builtinBehaviours, builtinParams, withControlPlane } from '../../dist/system/builtins.js';
import { System as SystemClass } from '../../dist/system/system.js';
import type { ActorCell } from '../../dist/actors/cell.js';

export const counterMachine = setup({ types: {} as { context: { n: number }; events: { type: 'inc' } | { type: 'crash' } } }).createMachine({
  context: { n: 0 },
  on: {
    inc: { actions: assign({ n: ({ context }) => context.n + 1 }) },
    crash: {
      actions: () => {
        throw new Error('crash');
      },
    },
  },
});

export let callbackCount = 0;
/** Counts messages, answers asks (`replyTo`), crashes on `crash`: the cheapest XState behaviour. */
export const counterCallback = fromCallback<{ type: string; replyTo?: { send(e: { type: string }): void } }>(({ receive }) => {
  receive((e) => {
    if (e.type === 'crash') throw new Error('crash');
    if (e.type === 'crash_preallocated') throw PREALLOCATED_CRASH;
    callbackCount++;
    e.replyTo?.send(PONG);
  });
});
const PONG = { type: 'pong' };
/**
 * Like Erlang's `erlang:error(crash)`, which raises an atom: no stack trace is captured. A
 * `new Error()` costs ~4 µs here (V8 captures the stack), paid alike by every JS row.
 */
const PREALLOCATED_CRASH = new Error('crash');

export function rawActor(logic: AnyActorLogic) {
  return createActor(logic).start();
}

/** A child as a config file declares it (the loader applies every default). */
export type BenchChild =
  | { id: string; behaviour: 'machine' | 'callback'; mailbox?: { capacity?: number; overflow?: 'drop_newest' | 'drop_oldest' | 'reject' } }
  | { id: string; start: 'parallel'; intensity: { maxRestarts: number; periodMs: number }; children: BenchChild[] };

const BEHAVIOURS = { machine: counterMachine, callback: counterCallback };
const NO_RESTART_LIMIT = { maxRestarts: 1e9, periodMs: 1000 };

/** The config object a user would pass (or write as YAML): root children, parallel start. */
export function benchConfig(children: BenchChild[], intensity = NO_RESTART_LIMIT): Record<string, unknown> {
  return {
    apiVersion: 'overseer/v1',
    kind: 'System',
    metadata: { name: 'bench' },
    spec: { node: 'bench', dataDir: '/tmp', start: 'parallel', intensity, children },
  };
}

/** Starts the tree as a user does; resolves once it is ready (control plane included). */
export async function benchSystem(children: BenchChild[], intensity = NO_RESTART_LIMIT): Promise<System> {
  const system = await startSystem({ spec: benchConfig(children, intensity), behaviours: BEHAVIOURS, admin: false, env: {} });
  await system.ready({ timeoutMs: 60_000 });
  return system;
}

/**
 * What startSystem() does, split in two: `load()` validates the config (untimed), `start()`
 * builds the System from `withControlPlane(spec)` with the built-ins registered and starts it.
 */
export function preparedSystem(children: BenchChild[], intensity = NO_RESTART_LIMIT) {
  const registry = new BehaviourRegistry([...Object.entries(builtinBehaviours()), ...Object.entries(BEHAVIOURS)]);
  const params = builtinParams(Object.keys(BEHAVIOURS));
  return {
    async load(): Promise<SystemSpec> {
      const loaded = await loadSpecObject(benchConfig(children, intensity), { behaviours: registry.names(), params, overrides: { adminPort: false }, env: {} });
      return withControlPlane(loaded.spec);
    },
    async start(spec: SystemSpec): Promise<System> {
      const system = new SystemClass({ spec, registry, logger: silentLogger(), clock: systemClock, actorClock, random: Math.random, params });
      await (system as unknown as { start(): Promise<void> }).start(); // @internal: what startSystem() awaits
      await system.ready({ timeoutMs: 60_000 });
      return system;
    },
  };
}

/**
 * Many actors go under one supervisor, `root/pool`, as a config with thousands of actors
 * groups them: the loader makes root children `readiness.required` and the readiness model
 * does O(required) work per lifecycle event, so 8k required root children take ~10 s to
 * become ready (scale.bench.ts has a row for that).
 */
export const pool = (children: BenchChild[]): BenchChild => ({ id: 'pool', start: 'parallel', intensity: NO_RESTART_LIMIT, children });
export const POOL = 'root/pool';

const bounded = { capacity: 1000, overflow: 'drop_newest' } as const;
export const machineWorker = (id: string): BenchChild => ({ id, behaviour: 'machine', mailbox: bounded });
export const callbackWorker = (id: string): BenchChild => ({ id, behaviour: 'callback' });

/** @internal reach the cell behind a path (internal-probe rows only). */
export function cellOf(system: System, path: string): ActorCell {
  return (system as unknown as { index: Map<string, ActorCell> }).index.get(path)!;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
