/**
 * The fold of an execution log: `evolve(state, event)` applies one event, `fold(events)` all
 * of them. The state is what the broker decides from: the step runs (one per visit of a step),
 * their action slots (one per iterator element, or one), and the pending arrivals of branches
 * that completed and wait to start their next step. Pure data, no time of its own.
 */
import type { AnyExecutionEvent, Arrival, ErrorInfo, ExecutionEventData } from '../log.js';
import { runKey } from '../log.js';
import type { Playbook } from '../playbook/types.js';

export type ExecutionStatus = 'new' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ActionSlot {
  readonly index: number;
  /** The handler's input. */
  readonly input: unknown;
  attempt: number;
  /** Of the current attempt. `failed` until the broker decides (retry, or fail the execution). */
  status: 'pending' | 'started' | 'completed' | 'failed';
  /** Delay before the current attempt may run (set by action_retry). */
  delayMs: number;
  output?: unknown;
  failure?: { readonly error: ErrorInfo; readonly retryable: boolean };
  worker?: string;
}

export interface StepRun {
  readonly key: string;
  readonly step: string;
  readonly visit: number;
  status: 'running' | 'completed';
  /** Arrival ids it consumed (`{from run key or start}>{step}`). */
  readonly from: readonly string[];
  /** The step's input (its arrivals' values). */
  readonly input: unknown;
  /** The rendered `with` of a non-iterator task: the handler's input (when `hasWith`). */
  readonly with?: unknown;
  readonly hasWith: boolean;
  /** Iterator steps: the elements, after where, orderBy, limit and chunk. */
  readonly elements?: readonly unknown[];
  /** join: any: the runs and arrivals whose branches (and what descends from them) are dropped when they arrive here. */
  readonly absorbs?: readonly string[];
  /** By element index; one slot (index 0) for a non-iterator task. */
  actions: ActionSlot[];
  completedActions: number;
  output?: unknown;
  startedAt?: string;
  completedAt?: string;
}

export interface PendingArrival extends Arrival {
  readonly id: string;
}

export interface ExecutionState {
  id: string;
  playbook: string;
  digest: string;
  workload: unknown;
  status: ExecutionStatus;
  result?: unknown;
  failure?: ExecutionEventData['execution_failed'];
  cancelReason?: string;
  /** In start order. */
  runs: Map<string, StepRun>;
  /** Last visit number per step. */
  visits: Map<string, number>;
  /** Arrivals whose step has not started yet, in order. */
  arrivals: PendingArrival[];
  /** The latest output of each completed step: `steps` in expressions. */
  outputs: Record<string, unknown>;
  /** The step whose completion was folded last (where a dead end is reported). */
  lastCompleted?: string;
  /** Events folded. */
  length: number;
  startedAt?: string;
  endedAt?: string;
}

export const arrivalId = (a: Arrival): string => `${a.from}>${a.step}`;
export const isTerminal = (s: ExecutionState): boolean => s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled';

export function emptyState(id: string): ExecutionState {
  return {
    id,
    playbook: '',
    digest: '',
    workload: undefined,
    status: 'new',
    result: undefined,
    failure: undefined,
    cancelReason: undefined,
    runs: new Map(),
    visits: new Map(),
    arrivals: [],
    outputs: {},
    lastCompleted: undefined,
    length: 0,
    startedAt: undefined,
    endedAt: undefined,
  };
}

/** The run key of an arrival's origin (`start` for the start step's). */
export const originOf = (arrivalKey: string): string => arrivalKey.slice(0, arrivalKey.indexOf('>'));

/** What `runKey` descends from, itself included: the runs and the arrivals that led to it. */
function lineage(state: ExecutionState, runKey: string): Set<string> {
  const seen = new Set<string>();
  const stack = [runKey];
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const a of state.runs.get(k)?.from ?? []) {
      seen.add(a);
      if (originOf(a) !== 'start') stack.push(originOf(a));
    }
  }
  return seen;
}

/** Whether an arrival is dropped by a join: any of its step that fired without its branch. */
function absorbed(state: ExecutionState, arrival: PendingArrival): boolean {
  let ancestors: Set<string> | undefined;
  for (const run of state.runs.values()) {
    if (run.step !== arrival.step || !run.absorbs?.length) continue;
    if (run.absorbs.includes(arrival.id)) return true;
    ancestors ??= lineage(state, arrival.from);
    if (run.absorbs.some((k) => ancestors!.has(k))) return true;
  }
  return false;
}

const slotOf = (state: ExecutionState, d: { step: string; visit: number; index?: number }): ActionSlot | undefined => state.runs.get(runKey(d.step, d.visit))?.actions[d.index ?? 0];

/** Applies one event (mutating `state`). Events that do not fit (a late result of an attempt superseded) change nothing. */
export function evolve(playbook: Playbook, state: ExecutionState, event: AnyExecutionEvent, time: string | undefined = event.time): void {
  state.length += 1;
  switch (event.type) {
    case 'execution_started': {
      const d = event.data;
      Object.assign(state, { playbook: d.playbook, digest: d.digest, workload: d.workload, status: 'running', startedAt: time });
      for (const a of d.next) state.arrivals.push({ ...a, id: arrivalId(a) });
      return;
    }
    case 'step_started': {
      const d = event.data;
      const key = runKey(d.step, d.visit);
      if (state.runs.has(key)) return;
      const consumed = new Set(d.from);
      state.arrivals = state.arrivals.filter((a) => !consumed.has(a.id));
      // Every field set here, absent ones undefined: one object shape for every run keeps evolve fast.
      const run: StepRun = {
        key,
        step: d.step,
        visit: d.visit,
        status: 'running',
        from: d.from,
        input: d.input,
        with: d.with,
        hasWith: 'with' in d,
        elements: d.elements,
        absorbs: d.absorbs,
        actions: [],
        completedActions: 0,
        output: undefined,
        startedAt: time,
        completedAt: undefined,
      };
      state.runs.set(key, run);
      state.visits.set(d.step, Math.max(d.visit, state.visits.get(d.step) ?? 0));
      // A non-iterator task has one action, known from the start; an iterator's come with iteration_started.
      const spec = playbook.steps.get(d.step);
      if (spec?.type === 'task' && !spec.iterator) run.actions[0] = newSlot(0, run.hasWith ? run.with : d.input);
      if (d.absorbs) state.arrivals = state.arrivals.filter((a) => a.step !== d.step || !absorbed(state, a));
      return;
    }
    case 'iteration_started': {
      const run = state.runs.get(runKey(event.data.step, event.data.visit));
      if (!run || run.actions[event.data.index]) return;
      run.actions[event.data.index] = newSlot(event.data.index, 'with' in event.data ? event.data.with : event.data.input);
      return;
    }
    case 'action_started': {
      const slot = slotOf(state, event.data);
      if (slot && slot.attempt === event.data.attempt && slot.status === 'pending') {
        slot.status = 'started';
        slot.worker = event.data.worker;
      }
      return;
    }
    case 'action_completed': {
      const slot = slotOf(state, event.data);
      if (!slot || slot.attempt !== event.data.attempt || slot.status === 'completed' || slot.status === 'failed') return;
      slot.status = 'completed';
      slot.output = event.data.output;
      state.runs.get(runKey(event.data.step, event.data.visit))!.completedActions += 1;
      return;
    }
    case 'action_failed': {
      const slot = slotOf(state, event.data);
      if (!slot || slot.attempt !== event.data.attempt || slot.status === 'completed' || slot.status === 'failed') return;
      slot.status = 'failed';
      slot.failure = { error: event.data.error, retryable: event.data.retryable };
      return;
    }
    case 'action_retry': {
      const slot = slotOf(state, event.data);
      if (!slot || slot.status !== 'failed' || event.data.attempt !== slot.attempt + 1) return;
      slot.attempt = event.data.attempt;
      slot.status = 'pending';
      slot.delayMs = event.data.delayMs;
      slot.failure = undefined;
      return;
    }
    case 'iterator_completed':
    case 'expression_failed':
      return;
    case 'step_completed': {
      const d = event.data;
      const run = state.runs.get(runKey(d.step, d.visit));
      if (!run || run.status === 'completed') return;
      run.status = 'completed';
      run.output = d.output;
      run.completedAt = time;
      state.outputs[d.step] = d.output;
      state.lastCompleted = d.step;
      for (const a of d.next) {
        const arrival = { ...a, id: arrivalId(a) };
        if (!absorbed(state, arrival)) state.arrivals.push(arrival);
      }
      return;
    }
    case 'execution_completed': {
      const consumed = new Set(event.data.from);
      state.arrivals = state.arrivals.filter((a) => !consumed.has(a.id));
      return end(state, 'completed', time, { result: event.data.result });
    }
    case 'execution_failed':
      return end(state, 'failed', time, { failure: event.data });
    case 'execution_cancelled':
      return end(state, 'cancelled', time, event.data.reason === undefined ? {} : { cancelReason: event.data.reason });
  }
}

function end(state: ExecutionState, status: ExecutionStatus, time: string | undefined, extra: Partial<ExecutionState>): void {
  if (state.status !== 'running') return; // the first terminal event wins
  Object.assign(state, { status, endedAt: time, ...extra });
}

export function newSlot(index: number, input: unknown): ActionSlot {
  return { index, input, attempt: 1, status: 'pending', delayMs: 0, output: undefined, failure: undefined, worker: undefined };
}

/** Folds a whole log. */
export function fold(playbook: Playbook, id: string, events: Iterable<AnyExecutionEvent>): ExecutionState {
  const state = emptyState(id);
  for (const e of events) evolve(playbook, state, e);
  return state;
}

/** A copy the broker may evolve with what it decides, leaving `state` as it was. */
export function fork(state: ExecutionState): ExecutionState {
  const runs = new Map<string, StepRun>();
  for (const [k, r] of state.runs) runs.set(k, { ...r, actions: r.actions.map((a) => ({ ...a })) });
  return { ...state, runs, visits: new Map(state.visits), arrivals: [...state.arrivals], outputs: { ...state.outputs } };
}
