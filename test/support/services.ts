/**
 * In-memory services for supervisor tests: records published events in order, resolves the
 * test behaviours, keeps a path index, and surfaces runtime bugs as test failures.
 */
import type { AnyActorLogic } from 'xstate';
import type { Child, SupervisorParent, SupervisorServices } from '../../src/supervisor/services.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { SupervisorSpec } from '../../src/spec/types.js';
import { systemClock } from '../../src/shared/clock.js';
import { testBehaviours } from './behaviours.js';

export interface Recorded {
  type: string;
  source: string;
  data: Record<string, unknown>;
}

export function recordingServices(behaviours: Record<string, AnyActorLogic> = testBehaviours) {
  const events: Recorded[] = [];
  const index = new Map<string, Child>();
  const bugs: unknown[] = [];
  const services: SupervisorServices & { events: Recorded[]; index: Map<string, Child>; bugs: unknown[] } = {
    events,
    index,
    bugs,
    clock: systemClock,
    actorClock: systemClock,
    random: () => 0.5,
    publish: (type, source, data) => void events.push({ type, source, data: data as Record<string, unknown> }),
    logicFor: (name) => {
      const logic = behaviours[name];
      if (!logic) throw new Error(`test: unknown behaviour ${name}`);
      return logic;
    },
    register: (child) => void index.set(child.path, child),
    unregister: (child) => void index.delete(child.path),
    starting: () => undefined,
    attach: () => undefined,
    internalError: (_path, error) => void bugs.push(error),
  };
  return services;
}

/** A root supervisor under a parent that records what the root reports. */
export function rootOf(spec: SupervisorSpec, services = recordingServices()) {
  const exits: { reason: string; error: unknown }[] = [];
  const parent: SupervisorParent = {
    onExit: (_child, reason, error) => void exits.push({ reason, error }),
    onReadiness: () => undefined,
  };
  const root = new Supervisor('root', spec, services, parent);
  const cell = (path: string) => {
    const child = services.index.get(path);
    if (!child || child.kind !== 'worker') throw new Error(`test: no worker at ${path}`);
    return child;
  };
  const sup = (path: string) => {
    const child = path === 'root' ? root : services.index.get(path);
    if (!child || child.kind !== 'supervisor') throw new Error(`test: no supervisor at ${path}`);
    return child;
  };
  return { root, services, exits, cell, sup, events: services.events };
}

/** Lets queued microtasks and supervisor operations run (no timers advance). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export function types(events: Recorded[], ...only: string[]): string[] {
  return events.filter((e) => only.length === 0 || only.includes(e.type)).map((e) => `${e.type} ${(e.data.path ?? e.data.system ?? e.data.supervisor ?? '') as string}`.trim());
}
