/**
 * The broker: a pure function of an execution's log. `decide(playbook, events)` returns what
 * to do next: the events to append (each with its derived id, so deciding twice proposes the
 * same ids and the store keeps one copy) and the tasks that must be queued (idempotent by
 * task id). It decides until nothing more follows: a completion appends step_completed, the
 * next step's step_started (a route's step_completed too) and so on, in one decision.
 * Async only because JSONata evaluates asynchronously; it reads no clock and no state.
 */
import { renderTemplate, truthy } from '../expressions.js';
import { logEvent, type AnyExecutionEvent, type Arrival } from '../log.js';
import type { HandlerRef, Playbook } from '../playbook/types.js';
import { Pass } from './pass.js';
import { evolve, fold, fork, isTerminal, type ExecutionState } from './state.js';

export { retryDelay } from './pass.js';

/** A unit of work for the task queue; `id` is derived like the events', so queueing twice queues once. */
export interface TaskSpec {
  readonly id: string;
  readonly execution: string;
  readonly playbook: string;
  readonly step: string;
  readonly visit: number;
  /** The element's index (iterator steps). */
  readonly index?: number;
  readonly attempt: number;
  readonly input: unknown;
  readonly run: HandlerRef;
  readonly timeoutMs?: number;
  /** Not before this many ms from when it is queued (a retry's backoff). */
  readonly delayMs: number;
}

export type Command =
  | { readonly type: 'append'; readonly events: readonly AnyExecutionEvent[] }
  | { readonly type: 'enqueue'; readonly task: TaskSpec }
  | { readonly type: 'finish'; readonly status: 'completed' | 'failed' | 'cancelled' };

export interface Decision {
  /** New events, in order (inputs given to decideState not included). */
  readonly events: AnyExecutionEvent[];
  /** Every action that waits for a worker after those events: queue each (again) by its id. */
  readonly tasks: TaskSpec[];
  /** Set once the execution has ended: its tasks can be dropped. */
  readonly finished?: 'completed' | 'failed' | 'cancelled';
}

/** Decided events per decision at most: a loop of route steps that never ends fails the execution instead. */
export const MAX_EVENTS_PER_DECISION = 10_000;

export const taskId = (execution: string, step: string, visit: number, index: number, attempt: number): string => `${execution}:${step}:${visit}:${index}:${attempt}`;


/**
 * The commands that follow from a log (the execution's id is read from its first event).
 * @example
 * const commands = await decide(playbook, (await store.read(`execution-${id}`)).events);
 */
export async function decide(playbook: Playbook, events: readonly AnyExecutionEvent[]): Promise<Command[]> {
  if (events.length === 0) return [];
  const id = events[0]!.id.slice(0, events[0]!.id.indexOf(':'));
  const decision = await decideState(playbook, fold(playbook, id, events));
  const commands: Command[] = [];
  if (decision.events.length > 0) commands.push({ type: 'append', events: decision.events });
  for (const task of decision.tasks) commands.push({ type: 'enqueue', task });
  if (decision.finished) commands.push({ type: 'finish', status: decision.finished });
  return commands;
}

/**
 * The decision over a folded state, after `inputs` (events about to be appended with it; with
 * `accept`, only those it accepts, in order, each judged after the ones before: `accepted`).
 * `state` is left as it was.
 */
export async function decideState(
  playbook: Playbook,
  state: ExecutionState,
  inputs: readonly AnyExecutionEvent[] = [],
  accept?: (state: ExecutionState, event: AnyExecutionEvent) => boolean,
): Promise<Decision & { accepted: AnyExecutionEvent[] }> {
  const s = fork(state);
  const accepted: AnyExecutionEvent[] = [];
  for (const e of inputs) {
    if (accept && !accept(s, e)) continue;
    accepted.push(e);
    evolve(playbook, s, e);
  }
  const events: AnyExecutionEvent[] = [];
  const broker = new Pass(playbook, s, (e: AnyExecutionEvent) => {
    events.push(e);
    evolve(playbook, s, e);
  });
  if (s.status === 'running') {
    for (;;) {
      const before = events.length;
      await broker.run();
      if (events.length === before || isTerminal(s)) break;
      if (events.length > MAX_EVENTS_PER_DECISION) {
        broker.fail(s.lastCompleted ?? playbook.start, { code: 'runaway', message: `over ${MAX_EVENTS_PER_DECISION} events decided at once: a loop of steps that never waits for a task?` });
        break;
      }
    }
  }
  if (isTerminal(s)) return { events, tasks: [], finished: s.status as Decision['finished'], accepted };
  return { events, tasks: pendingTasks(playbook, s), accepted };
}

function pendingTasks(playbook: Playbook, s: ExecutionState): TaskSpec[] {
  const tasks: TaskSpec[] = [];
  for (const run of s.runs.values()) {
    if (run.status !== 'running') continue;
    const spec = playbook.steps.get(run.step)!;
    for (const slot of run.actions) {
      if (!slot || slot.status !== 'pending') continue;
      tasks.push({
        id: taskId(s.id, run.step, run.visit, slot.index, slot.attempt),
        execution: s.id,
        playbook: playbook.name,
        step: run.step,
        visit: run.visit,
        ...(spec.iterator ? { index: slot.index } : {}),
        attempt: slot.attempt,
        input: slot.input,
        run: spec.run!,
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        delayMs: slot.delayMs,
      });
    }
  }
  return tasks;
}

/**
 * The first events of an execution: execution_started, carrying the start step's transitions
 * (so deciding later never evaluates them again), and an expression_failed per `when` that
 * failed. A `with` that fails leaves the transition out and is reported the same way.
 */
export async function startEvents(playbook: Playbook, id: string, workload: unknown): Promise<AnyExecutionEvent[]> {
  const start = playbook.steps.get(playbook.start)!;
  const context = { workload, steps: {}, input: workload, output: workload, execution: { id, playbook: playbook.name } };
  const next: Arrival[] = [];
  const failures: AnyExecutionEvent[] = [];
  const failed = (k: number, field: 'when' | 'with', source: string, error: unknown) =>
    failures.push(logEvent(id, 'expression_failed', { step: start.step, visit: 1, field: `next[${k}].${field}`, expression: source, error: (error as Error).message }, `next.${k}.${field}`));
  for (const [k, n] of start.next.entries()) {
    if (n.when) {
      const taken = await n.when.evaluate(context).then(truthy, (error: unknown) => (failed(k, 'when', n.when!.source, error), false));
      if (!taken) continue;
    }
    let input: unknown = workload;
    if (n.with) {
      try {
        input = await renderTemplate(n.with, context);
      } catch (error) {
        failed(k, 'with', (error as { source?: string }).source ?? '', error);
        continue;
      }
    }
    next.push({ step: n.step, from: 'start', input });
  }
  return [logEvent(id, 'execution_started', { playbook: playbook.name, digest: playbook.digest, workload, next }), ...failures];
}
