/**
 * The readiness model: a pure reducer over bus events. It decides when the system is ready
 * (every required actor ready), when it degrades and when it recovers, and which system
 * events that produces: systems_pending, exactly one system_ready per transition, system_degraded.
 */
import type { EventEnvelope, RuntimeEventData } from '../events/catalogue.js';

export interface ReadinessState {
  /** This node's name, carried in system_ready. */
  readonly node: string;
  /** Paths whose readiness counts (`readiness.required`), in declaration order. */
  readonly expected: readonly string[];
  readonly ready: ReadonlySet<string>;
  /** system_ready has fired and nothing has degraded since. */
  readonly systemReady: boolean;
  /** system_stopping was seen: readiness is gone for good. */
  readonly stopping: boolean;
  /** Why each not-ready required actor is not ready, when known (`readiness_timeout`, an error…). */
  readonly reasons: ReadonlyMap<string, string>;
}

export type Emitted =
  | { type: 'systems_pending'; data: RuntimeEventData['systems_pending'] }
  | { type: 'system_ready'; data: RuntimeEventData['system_ready'] }
  | { type: 'system_degraded'; data: RuntimeEventData['system_degraded'] };

export function initialReadiness(node: string, expected: readonly string[], alreadyReady: Iterable<string> = []): ReadinessState {
  const ready = new Set([...alreadyReady].filter((p) => expected.includes(p)));
  // A model rebuilt after a control-plane restart starts from the tree as it is, silently.
  const systemReady = expected.length > 0 ? ready.size === expected.length : false;
  return { node, expected, ready, systemReady, stopping: false, reasons: new Map() };
}

export function missingOf(state: ReadinessState): string[] {
  return state.expected.filter((p) => !state.ready.has(p));
}

/** Applies one event; returns the next state and the events to publish (often none). */
export function reduceReadiness(state: ReadinessState, event: EventEnvelope): { state: ReadinessState; emit: Emitted[] } {
  const data = event.data as { system?: string; reason?: string };
  switch (event.type) {
    case 'subsystem_ready':
      return onReady(state, data.system!);
    case 'subsystem_failed':
      return onLost(state, data.system!, data.reason ?? 'failed');
    case 'subsystem_starting':
      return onLost(state, data.system!, 'starting');
    case 'subsystem_stopping':
      return onLost(state, data.system!, 'stopping');
    case 'system_stopping':
      return { state: { ...state, stopping: true, systemReady: false }, emit: [] };
    default:
      return { state, emit: [] };
  }
}

/** A required actor joined the live tree (started at run time): readiness now waits for it too. */
export function expectPath(state: ReadinessState, path: string): { state: ReadinessState; emit: Emitted[] } {
  if (state.expected.includes(path) || state.stopping) return { state, emit: [] };
  const next = { ...state, expected: [...state.expected, path], reasons: new Map(state.reasons).set(path, 'starting'), systemReady: false };
  if (!state.systemReady) return { state: next, emit: [] };
  return { state: next, emit: [{ type: 'system_degraded', data: { missingSystems: missingOf(next) } }] };
}

/** A required actor left the live tree (deleted, or a temporary child that ended): nobody waits for it. */
export function forgetPath(state: ReadinessState, path: string): { state: ReadinessState; emit: Emitted[] } {
  if (!state.expected.includes(path)) return { state, emit: [] };
  const ready = new Set(state.ready);
  ready.delete(path);
  const reasons = new Map(state.reasons);
  reasons.delete(path);
  const next = { ...state, expected: state.expected.filter((p) => p !== path), ready, reasons };
  if (state.systemReady || state.stopping || missingOf(next).length > 0) return { state: next, emit: [] };
  return {
    state: { ...next, systemReady: true },
    emit: [{ type: 'system_ready', data: { readySystems: next.expected.filter((p) => ready.has(p)), node: state.node } }],
  };
}

function onReady(state: ReadinessState, path: string): { state: ReadinessState; emit: Emitted[] } {
  if (!state.expected.includes(path) || state.ready.has(path) || state.stopping) return { state, emit: [] };
  const ready = new Set(state.ready).add(path);
  const reasons = new Map(state.reasons);
  reasons.delete(path);
  const next = { ...state, ready, reasons };
  const missing = missingOf(next);
  if (missing.length > 0) {
    return { state: next, emit: [{ type: 'systems_pending', data: { missingSystems: missing, readySystems: [...ready] } }] };
  }
  return {
    state: { ...next, systemReady: true },
    emit: [{ type: 'system_ready', data: { readySystems: state.expected.filter((p) => ready.has(p)), node: state.node } }],
  };
}

function onLost(state: ReadinessState, path: string, reason: string): { state: ReadinessState; emit: Emitted[] } {
  if (!state.expected.includes(path) || state.stopping) return { state, emit: [] };
  const reasons = new Map(state.reasons).set(path, reason);
  if (!state.ready.has(path)) return { state: { ...state, reasons }, emit: [] };
  const ready = new Set(state.ready);
  ready.delete(path);
  const next = { ...state, ready, reasons, systemReady: false };
  if (!state.systemReady) return { state: next, emit: [] };
  return { state: next, emit: [{ type: 'system_degraded', data: { missingSystems: missingOf(next) } }] };
}
