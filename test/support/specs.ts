/**
 * Test builders for normalized specs: the same defaults the config loader applies, so tests
 * of the supervision core need no files. `worker('a', 'counter', { restart: 'transient' })`.
 */
import type { ChildSpec, SupervisorSpec, WorkerSpec } from '../../src/spec/types.js';
import { DEFAULTS } from '../../src/spec/types.js';

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

export function worker(id: string, behaviour: string, over: Mutable<WorkerSpec> = {}): WorkerSpec {
  return {
    kind: 'worker',
    id,
    behaviour,
    params: {},
    restart: 'permanent',
    shutdown: DEFAULTS.workerShutdownMs,
    readiness: { mode: 'auto', required: false, timeoutMs: DEFAULTS.readinessTimeoutMs },
    mailbox: { ...DEFAULTS.mailbox },
    significant: false,
    inputs: [],
    ...over,
  } as WorkerSpec;
}

export function supervisor(id: string, children: ChildSpec[], over: Mutable<SupervisorSpec> = {}): SupervisorSpec {
  return {
    kind: 'supervisor',
    id,
    strategy: 'one_for_one',
    start: 'sequential',
    intensity: { ...DEFAULTS.intensity },
    restart: 'permanent',
    shutdown: 'infinity',
    readiness: { mode: 'auto', required: false, timeoutMs: DEFAULTS.readinessTimeoutMs },
    significant: false,
    autoShutdown: 'never',
    children,
    ...over,
  } as SupervisorSpec;
}
