/**
 * Drives the pure broker without actors or a store: a log array with the store's idempotent
 * append (an id already stored is skipped), `decide` after every append, and tasks run by a
 * test-provided handler in the order the test chooses. What the tests assert is the log.
 */
import { decide, type TaskSpec } from '../../src/workflows/broker/decide.js';
import { startEvents } from '../../src/workflows/broker/decide.js';
import { BUILTIN_HANDLERS } from '../../src/workflows/handlers.js';
import { logEvent, type AnyExecutionEvent } from '../../src/workflows/log.js';
import { loadPlaybookObject } from '../../src/workflows/playbook/load.js';
import type { Playbook } from '../../src/workflows/playbook/types.js';

export type Outcome = { ok: true; output: unknown } | { ok: false; message: string; code?: string; retryable?: boolean };

export class Simulation {
  readonly log: AnyExecutionEvent[] = [];
  /** Tasks queued and not yet run, by id (queueing twice queues once). */
  readonly queue = new Map<string, TaskSpec>();
  /** Every enqueue command seen, in order (duplicates included). */
  readonly enqueued: TaskSpec[] = [];

  constructor(
    readonly playbook: Playbook,
    readonly id = 'x1',
  ) {}

  /** The store's append: events whose id is stored already are skipped. Returns how many were stored. */
  append(events: readonly AnyExecutionEvent[]): number {
    const known = new Set(this.log.map((e) => e.id));
    const fresh = events.filter((e) => !known.has(e.id));
    this.log.push(...fresh);
    return fresh.length;
  }

  async start(workload: unknown): Promise<void> {
    this.append(await startEvents(this.playbook, this.id, workload));
    await this.step();
  }

  /** decide over the log and apply its commands; returns what it proposed. */
  async step() {
    const commands = await decide(this.playbook, this.log);
    for (const c of commands) {
      if (c.type === 'append') this.append(c.events);
      else if (c.type === 'enqueue') {
        this.enqueued.push(c.task);
        this.queue.set(c.task.id, c.task);
      } else this.queue.clear();
    }
    return commands;
  }

  /** Runs one queued task (the first, or the one `pick` chooses): action_started, then its outcome. */
  async run(outcome: (task: TaskSpec) => Outcome | Promise<Outcome>, pick?: (tasks: TaskSpec[]) => TaskSpec | undefined): Promise<TaskSpec | undefined> {
    const tasks = [...this.queue.values()];
    const task = pick ? pick(tasks) : tasks[0];
    if (!task) return undefined;
    this.queue.delete(task.id);
    const ref = { step: task.step, visit: task.visit, ...(task.index !== undefined ? { index: task.index } : {}), attempt: task.attempt };
    this.append([logEvent(this.id, 'action_started', { ...ref, worker: 'w' })]);
    const o = await outcome(task);
    this.append([
      o.ok
        ? logEvent(this.id, 'action_completed', { ...ref, output: o.output })
        : logEvent(this.id, 'action_failed', { ...ref, error: { message: o.message, ...(o.code ? { code: o.code } : {}) }, retryable: o.retryable !== false }),
    ]);
    await this.step();
    return task;
  }

  /** Runs tasks until none is queued (at most `limit`). */
  async runAll(outcome: (task: TaskSpec) => Outcome | Promise<Outcome>, limit = 1000): Promise<void> {
    for (let i = 0; i < limit && this.queue.size > 0; i++) await this.run(outcome);
  }

  types(): string[] {
    return this.log.map((e) => e.type);
  }

  /** The events about `step`, as `type` or `type[index]`. */
  of(step: string): string[] {
    return this.log.filter((e) => (e.data as { step?: string }).step === step).map((e) => e.type);
  }

  last(): AnyExecutionEvent {
    return this.log.at(-1)!;
  }
}

/** A playbook from an object (built-in handlers plus `extra` names are registered). */
export async function playbook(doc: Record<string, unknown>, extra: string[] = []): Promise<Playbook> {
  const handlers = new Map(Object.entries(BUILTIN_HANDLERS));
  for (const name of extra) handlers.set(name, () => null);
  return (await loadPlaybookObject(doc, { handlers })).playbook;
}

/** A playbook document: steps in order, `apiVersion`/`kind`/`metadata` filled in. */
export function doc(workflow: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'overseer/v1', kind: 'Playbook', metadata: { name: 'test' }, spec: { workflow, ...extra } };
}

/** start → each of `steps` (tasks running `run`) → end. */
export function linear(steps: string[], run = 'echo', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const names = ['start', ...steps, 'end'];
  return doc(
    names.map((step, i) => ({
      step,
      ...(i === 0 ? { type: 'start' } : i === names.length - 1 ? { type: 'end' } : { run, ...extra }),
      ...(i < names.length - 1 ? { next: [{ step: names[i + 1] }] } : {}),
    })),
  );
}

export const ok = (output: unknown): Outcome => ({ ok: true, output });
export const echo = (task: TaskSpec): Outcome => ok(task.input);
