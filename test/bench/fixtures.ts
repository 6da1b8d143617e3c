/**
 * Shared benchmark fixtures: the same behaviours run raw and supervised, and a system built
 * straight from a normalized spec (no config parsing), so only runtime costs are measured.
 */
import { assign, createActor, fromCallback, setup, type AnyActorLogic } from 'xstate';
import { BehaviourRegistry } from '../../dist/actors/registry.js';
import { silentLogger } from '../../dist/shared/logger.js';
import { systemClock } from '../../dist/shared/clock.js';
import type { ChildSpec, SystemSpec } from '../../dist/spec/types.js';
import { System } from '../../dist/system/system.js';
import { supervisor, worker } from '../support/specs.js';
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

export async function benchSystem(children: ChildSpec[], intensity = { maxRestarts: 1e9, periodMs: 1000 }): Promise<System> {
  const spec: SystemSpec = {
    apiVersion: 'overseer/v1',
    name: 'bench',
    node: 'bench',
    admin: { host: '127.0.0.1', port: false },
    dataDir: '/tmp',
    stopTimeoutMs: 30_000,
    drainMs: 0,
    root: supervisor('root', children, { intensity, start: 'parallel' }),
  };
  const registry = new BehaviourRegistry([
    ['machine', counterMachine],
    ['callback', counterCallback],
  ]);
  const system = new System({ spec, registry, logger: silentLogger(), clock: systemClock, random: Math.random });
  await system.start();
  return system;
}

export const machineWorker = (id: string) => worker(id, 'machine', { mailbox: { capacity: 1000, overflow: 'drop_newest' } });
export const callbackWorker = (id: string) => worker(id, 'callback');

/** @internal reach the cell behind a path (benchmarks only). */
export function cellOf(system: System, path: string): ActorCell {
  return (system as unknown as { index: Map<string, ActorCell> }).index.get(path)!;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
