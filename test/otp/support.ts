/**
 * Harness for the OTP conformance suite (a port of OTP's supervisor_SUITE): starts a system
 * through the embedded API under fake timers, with small behaviours that stand in for OTP's
 * supervisor_1 / supervisor_3 test children, and reads outcomes from events and the public API.
 * The OTP cases that do not map onto Overseer are listed at the top of restart-types.test.ts.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { setup, type AnyActorLogic } from 'xstate';
import { startSystem, type EventEnvelope } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { counter, crashOnStart, slowStopper, warmup } from '../support/behaviours.js';

// Taken before any test fakes the timers: a turn of the real event loop runs every queued
// microtask (supervisor operations, mailbox drains, bus deliveries) without moving fake time.
const realSetImmediate = globalThis.setImmediate;

export type { ChildInfo } from '../../src/supervisor/supervisor.js';
import type { ChildInfo } from '../../src/supervisor/supervisor.js';

/** The embedded API this suite drives. */
export type OtpSystem = System;

/** A worker like OTP's supervisor_1 child: `crash` throws, `finish` exits normal, `inc`/`get` keep a count. */
export const worker = counter;

/** Handles overseer.stop by finishing at once: a child that honours a graceful shutdown. */
export const graceful = setup({}).createMachine({
  initial: 'running',
  states: {
    running: {
      on: {
        'overseer.stop': 'done',
        crash: {
          actions: () => {
            throw new Error('boom');
          },
        },
        finish: 'done',
      },
    },
    done: { type: 'final' },
  },
});

/**
 * Handles overseer.stop by finishing `ms` later (XState's delayed transition, on the injected
 * clock): like OTP's supervisor_2 child, which sleeps in terminate/2 before exiting.
 */
export function linger(ms: number) {
  return setup({}).createMachine({
    initial: 'running',
    states: {
      running: { on: { 'overseer.stop': 'draining', finish: 'done' } },
      draining: { after: { [ms]: 'done' } },
      done: { type: 'final' },
    },
  });
}

export const baseBehaviours: Record<string, AnyActorLogic> = { worker, graceful, slowStopper, crashOnStart, warmup };

/**
 * A worker whose start can be made to fail, like OTP's supervisor_1 started with `[error]`:
 * set `gate.fail` to refuse every start from now on, or `gate.failNext` to refuse the next n.
 */
export function startGate() {
  const gate = { fail: false, failNext: 0, starts: 0 };
  const logic = setup({}).createMachine({
    entry: () => {
      gate.starts++;
      if (gate.failNext > 0) {
        gate.failNext--;
        throw new Error('start refused');
      }
      if (gate.fail) throw new Error('start refused');
    },
    initial: 'running',
    states: {
      running: {
        on: {
          crash: {
            actions: () => {
              throw new Error('boom');
            },
          },
          finish: 'done',
        },
      },
      done: { type: 'final' },
    },
  });
  return { gate, logic };
}

const running: System[] = [];

/** Call once per test file: fake timers around each test, and every booted system stopped after it. */
export function useOtpHarness(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    for (const system of running.splice(0)) {
      let stopped = false;
      const stopping = system.stop().then(() => (stopped = true));
      // Time moves only until the stop completes (past every shutdown and the stop deadline at most).
      for (let s = 0; s < 120 && !stopped; s++) await vi.advanceTimersByTimeAsync(1000);
      await stopping;
    }
    vi.useRealTimers();
  });
}

export interface BootOptions {
  behaviours?: Record<string, AnyActorLogic>;
  /** Extra keys for the root (`spec.spec`): strategy, intensity, backoff… */
  root?: Record<string, unknown>;
}

export function systemDoc(children: unknown[], root: Record<string, unknown> = {}) {
  return { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 't' }, spec: { node: 'n', ...root, children } };
}

/** Starts a system whose root holds `children` (after the control plane). */
export async function boot(children: unknown[], options: BootOptions = {}): Promise<OtpSystem> {
  const system = await startSystem({
    spec: systemDoc(children, options.root),
    behaviours: { ...baseBehaviours, ...options.behaviours },
    admin: false,
    env: {},
  });
  running.push(system);
  await settle();
  return system;
}

/** The same, for a start that is expected to fail: resolves with the rejection. */
export async function bootFailure(children: unknown[], options: BootOptions = {}): Promise<unknown> {
  const starting = startSystem({
    spec: systemDoc(children, options.root),
    behaviours: { ...baseBehaviours, ...options.behaviours },
    admin: false,
    env: {},
  }).then(
    (system) => {
      running.push(system);
      return undefined;
    },
    (error: unknown) => error,
  );
  for (let i = 0; i < 20; i++) await advance(100);
  const error = await starting;
  expect(error, 'startSystem should have rejected').toBeInstanceOf(Error);
  return error;
}

/** A nested supervisor spec, OTP flags style: `sup('sup', [...], { strategy: 'one_for_all', maxRestarts: 2 })`. */
export function sup(
  id: string,
  children: unknown[],
  flags: { strategy?: string; maxRestarts?: number; periodMs?: number; restart?: string; start?: string; shutdown?: unknown; backoff?: unknown } = {},
): Record<string, unknown> {
  const { maxRestarts = 2, periodMs = 3_600_000, ...rest } = flags;
  return { id, strategy: 'one_for_one', intensity: { maxRestarts, periodMs }, ...rest, children };
}

/** A worker spec: `w('child1', { restart: 'transient' })`. */
export function w(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, behaviour: 'worker', shutdown: 1000, ...extra };
}

/** Runs every queued microtask and supervisor operation, without moving (fake) time. */
export async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/**
 * Lets the supervisors react, including what they do on a timer due now: a child that fails
 * to start again is retried on a 0 ms timer (OTP's try_again_restart, a message to itself),
 * and the fake clock puts a 0 ms timer set while it ticks 1 ms later. So time moves by `ms`
 * in 1 ms steps; no test here depends on a boundary that close to a crash.
 */
export async function settle(ms = 10): Promise<void> {
  await flush();
  for (let i = 0; i < ms; i++) await advance(1);
}

/** Moves fake time forward, then lets the work it triggered settle. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
}

type Data = Record<string, unknown>;

/** Runtime events of these types (all when none given), oldest first, as `{ type, ...data }`. */
export function events(system: OtpSystem, ...types: string[]): (Data & { type: string })[] {
  const found: EventEnvelope[] = system.events.recent(types.length > 0 ? { types } : undefined);
  return found.map((e) => ({ type: e.type, ...(e.data as Data) }));
}

/** A position in the event history; `since(system, mark, …)` returns what came after it. */
export function mark(system: OtpSystem): string | undefined {
  return system.events.recent().at(-1)?.id;
}

export function since(system: OtpSystem, at: string | undefined, ...types: string[]): (Data & { type: string })[] {
  const all = system.events.recent();
  const start = at === undefined ? 0 : all.findIndex((e) => e.id === at) + 1;
  return all
    .slice(start)
    .filter((e) => types.length === 0 || types.includes(e.type))
    .map((e) => ({ type: e.type, ...(e.data as Data) }));
}

/** Paths in the order a given event type named them (child_started, child_exited…). */
export function paths(list: Data[]): string[] {
  return list.map((e) => String(e.path));
}

export async function childrenOf(system: OtpSystem, supervisorPath: string): Promise<ChildInfo[]> {
  return system.children(supervisorPath);
}

export async function counts(system: OtpSystem, supervisorPath: string): Promise<[number, number, number, number]> {
  const c = system.countChildren(supervisorPath);
  return [c.specs, c.active, c.supervisors, c.workers]; // OTP's [specs, active, supervisors, workers]
}

/** The child at `path` as which_children lists it (undefined when the supervisor has no such child). */
export async function childAt(system: OtpSystem, path: string): Promise<ChildInfo | undefined> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  return (await childrenOf(system, parent)).find((c) => c.path === path);
}

export async function instanceOf(system: OtpSystem, path: string): Promise<string | undefined | null> {
  return (await childAt(system, path))?.instance;
}

const ACTIVE = new Set(['starting', 'running', 'ready']);

/** Has a live incarnation (OTP: which_children shows a pid). */
export function isActive(child: ChildInfo | undefined): boolean {
  return child !== undefined && ACTIVE.has(child.status);
}

/** Resolves with what `op` rejected with (or threw); fails the test when it succeeds. */
export async function rejection(op: () => unknown): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await op();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the operation to fail');
}

/** Every error in a `cause` chain, outermost first. */
export function causes(error: unknown): Error[] {
  const out: Error[] = [];
  let e: unknown = error;
  while (e instanceof Error && out.length < 10) {
    out.push(e);
    e = e.cause;
  }
  return out;
}

/** Exit reasons published for `path`, in order. */
export function exitsOf(system: OtpSystem, path: string, at?: string): string[] {
  return since(system, at, 'child_exited')
    .filter((e) => e.path === path)
    .map((e) => String(e.reason));
}

/** How many times `path` was started (child_started events). */
export function startsOf(system: OtpSystem, path: string, at?: string): number {
  return since(system, at, 'child_started').filter((e) => e.path === path).length;
}

/** The ways OTP's suite ends a child: `stop` (normal), exit(Pid, shutdown), `die` (abnormal), exit(Pid, kill), or terminate_child. */
export type How = 'normal' | 'shutdown' | 'abnormal' | 'kill' | 'supervisor';

/** The exit reason Overseer reports for each way of ending a child. */
export const REASON_OF: Record<Exclude<How, 'supervisor'>, string> = { normal: 'normal', shutdown: 'shutdown', abnormal: 'error', kill: 'error' };

/** Ends the child at `path` the way OTP's terminate/4 helper does, and lets the supervisor react. */
export async function terminate(system: OtpSystem, path: string, how: How): Promise<void> {
  if (how === 'normal') system.send(path, { type: 'finish' });
  else if (how === 'abnormal') system.send(path, { type: 'crash' });
  else if (how === 'supervisor') await system.terminateChild(path);
  else await system.kill(path, how);
  await settle();
}
