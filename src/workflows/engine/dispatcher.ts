/**
 * The task side of the engine: workers' long polls parked until a task is due, leases handed
 * out (recording action_started on the execution), results taken back (action_completed |
 * action_failed), and one timer for what time brings: a delayed task due, a lease run out
 * (redelivered, or a dead letter whose action fails).
 */
import { EVENT_LIMITS, jsonCharsChecked } from '../../eventstore/json-bounds.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { TaskSpec } from '../broker/decide.js';
import { logEvent, runKey, type AnyExecutionEvent, type ErrorInfo } from '../log.js';
import type { Lease, TaskQueue } from '../queue/task-queue.js';
import { accepts, type ExecutionRun } from './execution.js';

/** What a worker reports for a task it ran. */
export type TaskOutcome = { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly error: ErrorInfo; readonly retryable: boolean };

export interface DispatcherHost {
  readonly queue: TaskQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The running execution a task belongs to (undefined: it has ended). */
  run(execution: string): ExecutionRun | undefined;
  readonly publish?: (type: string, data: Record<string, unknown>) => void;
  /** Counted when a task becomes a dead letter. */
  deadLettered(): void;
}

interface ParkedLease {
  readonly worker: string;
  readonly max: number;
  readonly resolve: (leases: Lease[]) => void;
  timer: TimerHandle | undefined;
}

/** Output characters a task result may have: an event's bound, less room for the rest of action_completed. */
const OUTPUT_LIMIT = EVENT_LIMITS.eventChars - 4096;

export class TaskDispatcher {
  private readonly parked: ParkedLease[] = [];
  /** Until recovery is done, no lease: a task of an execution not read back yet would look like a leftover. */
  open = false;
  private closed = false;
  private wakeAt: number | undefined;
  private wakeTimer: TimerHandle | undefined;

  constructor(private readonly host: DispatcherHost) {}

  get waiting(): number {
    return this.parked.length;
  }

  /** Up to `max` due tasks for `worker`; when none is due, waits up to `waitMs` for one (a long poll). */
  lease(worker: string, max: number, waitMs: number): Promise<Lease[]> {
    const leases = this.take(worker, max);
    if (leases.length > 0 || waitMs <= 0 || this.closed) return Promise.resolve(leases);
    return new Promise((resolve) => {
      const parked: ParkedLease = { worker, max, resolve, timer: undefined };
      parked.timer = this.host.clock.setTimeout(() => {
        const i = this.parked.indexOf(parked);
        if (i >= 0) this.parked.splice(i, 1);
        resolve([]);
      }, waitMs);
      this.parked.push(parked);
    });
  }

  /** Tasks were queued (or came back): hand them to the workers waiting. */
  dispatch(): void {
    while (this.parked.length > 0) {
      const next = this.parked[0]!;
      const leases = this.take(next.worker, next.max);
      if (leases.length === 0) return;
      this.parked.shift();
      if (next.timer !== undefined) this.host.clock.clearTimeout(next.timer);
      next.resolve(leases);
    }
  }

  heartbeat(id: string, token: string): { ok: boolean; leaseUntil?: number } {
    const until = this.host.queue.heartbeat(id, token);
    if (until === undefined) return { ok: false };
    this.wake(until);
    return { ok: true, leaseUntil: until };
  }

  /**
   * A worker's result. Accepted only while its token holds the lease: a late or stale result
   * changes nothing. With `next`, the worker's next task comes back in the same answer (when one
   * is due), sparing it a request.
   */
  complete(id: string, token: string, outcome: TaskOutcome, next?: { worker: string; max: number }): { accepted: boolean; next: Lease[] } {
    const task = this.host.queue.complete(id, token);
    const run = task && this.host.run(task.execution);
    // Its action_started goes first, in case the one recorded at the lease was lost (an engine
    // restarted before storing it): the same derived id, so it is never stored twice.
    if (run) run.submit([startedEvent(task, next?.worker), resultEvent(task, outcome)]);
    return { accepted: run !== undefined, next: next && next.max > 0 ? this.take(next.worker, next.max) : [] };
  }

  release(id: string, token: string): { released: boolean } {
    const released = this.host.queue.release(id, token);
    if (released) this.dispatch();
    return { released };
  }

  /** Something becomes due at `at` (a delayed task, a lease's end): the timer fires by then. */
  wake(at: number): void {
    if (this.closed || (this.wakeAt !== undefined && this.wakeAt <= at)) return;
    if (this.wakeTimer !== undefined) this.host.clock.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.host.clock.setTimeout(() => this.onWake(), Math.max(0, at - this.host.clock.now()));
  }

  /** Arms the timer for what the queue holds (after recovery). */
  rearm(): void {
    const next = this.host.queue.nextWakeAt();
    if (next !== undefined) this.wake(next);
  }

  close(): void {
    this.closed = true;
    if (this.wakeTimer !== undefined) this.host.clock.clearTimeout(this.wakeTimer);
    for (const p of this.parked.splice(0)) {
      if (p.timer !== undefined) this.host.clock.clearTimeout(p.timer);
      p.resolve([]);
    }
  }

  private take(worker: string, max: number): Lease[] {
    if (!this.open || this.closed) return [];
    const out: Lease[] = [];
    while (out.length < max) {
      const [lease] = this.host.queue.lease(worker, 1);
      if (!lease) break;
      const { task } = lease;
      const run = this.host.run(task.execution);
      const slot = run?.state.runs.get(runKey(task.step, task.visit))?.actions[task.index ?? 0];
      if (!run || !slot || slot.attempt !== task.attempt || slot.status === 'completed' || slot.status === 'failed') {
        this.host.queue.remove(task.id); // a leftover of an execution or attempt that is over
        continue;
      }
      const started = startedEvent(task, worker);
      if (accepts(run.playbook, run.state, started)) run.submit([started]);
      this.wake(lease.leaseUntil);
      out.push(lease);
    }
    return out;
  }

  /** Leases that ran out: redelivered, or dead letters (a failed attempt of their action); delayed tasks now due go to waiting workers. */
  private onWake(): void {
    this.wakeAt = undefined;
    this.wakeTimer = undefined;
    if (this.closed) return;
    const { dead } = this.host.queue.expire();
    for (const d of dead) {
      this.host.deadLettered();
      this.host.logger.warn({ task: d.task.id, deliveries: d.deliveries }, 'workflow task dead-lettered');
      this.host.publish?.('task_dead_lettered', { task: d.task.id, execution: d.task.execution, step: d.task.step, deliveries: d.deliveries });
      this.host.run(d.task.execution)?.submit([startedEvent(d.task, undefined), resultEvent(d.task, { ok: false, error: { code: 'dead_letter', message: d.error }, retryable: true })]);
    }
    this.dispatch();
    this.rearm();
  }
}

function startedEvent(task: TaskSpec, worker: string | undefined): AnyExecutionEvent {
  return logEvent(task.execution, 'action_started', { step: task.step, visit: task.visit, ...(task.index !== undefined ? { index: task.index } : {}), attempt: task.attempt, ...(worker ? { worker } : {}) });
}

/** action_completed or action_failed for `task`; an output the log cannot hold fails the action instead. */
function resultEvent(task: TaskSpec, outcome: TaskOutcome): AnyExecutionEvent {
  const ref = { step: task.step, visit: task.visit, ...(task.index !== undefined ? { index: task.index } : {}), attempt: task.attempt };
  if (outcome.ok) {
    const output = outcome.output === undefined ? null : outcome.output;
    try {
      if (jsonCharsChecked(output, 'output', OUTPUT_LIMIT) > OUTPUT_LIMIT) throw new Error(`the output is over ${OUTPUT_LIMIT} characters of JSON`);
      return logEvent(task.execution, 'action_completed', { ...ref, output });
    } catch (error) {
      return logEvent(task.execution, 'action_failed', { ...ref, error: { code: 'invalid_output', message: (error as Error).message }, retryable: false });
    }
  }
  return logEvent(task.execution, 'action_failed', { ...ref, error: outcome.error, retryable: outcome.retryable });
}
