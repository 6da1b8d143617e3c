/**
 * Runs one leased task: resolves its handler, calls it with the task's input and a context
 * (signal, heartbeat, log), and turns what happens into an outcome. `timeoutMs` aborts the
 * signal and fails the attempt with code `timeout` without waiting for a handler that ignores
 * the signal; a lost lease (heartbeat refused) or a stopping worker aborts it too.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { TaskSpec } from '../broker/decide.js';
import type { TaskOutcome } from '../engine/engine.js';
import { describeRef, invokeHandler, resolveHandler, type TaskContext, type TaskHandler } from '../handlers.js';

export interface RunTaskOptions {
  readonly handlers: ReadonlyMap<string, TaskHandler>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The worker's path (ctx.worker). */
  readonly worker?: string;
  /** Extends the lease; resolves false when it is lost. */
  readonly heartbeat: () => Promise<boolean>;
  /** Aborted when the worker stops. */
  readonly signal?: AbortSignal;
}

/** Why an attempt was cut short: its `code` becomes the action's error code. */
export class TaskAbortedError extends Error {
  constructor(
    readonly code: 'timeout' | 'lease_lost' | 'worker_stopped',
    message: string,
  ) {
    super(message);
  }
}

/** The abort reason once an attempt is over (one object: an Error per task costs a stack trace each). */
const ATTEMPT_OVER = new TaskAbortedError('worker_stopped', 'the attempt is over');

function failure(error: unknown): TaskOutcome {
  const e = error as { message?: unknown; code?: unknown; retryable?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return { ok: false, error: { message: message.slice(0, 2000), ...(code ? { code } : {}) }, retryable: e?.retryable !== false };
}

export async function runTask(task: TaskSpec, options: RunTaskOptions): Promise<TaskOutcome> {
  const controller = new AbortController();
  const log = options.logger.child({ execution: task.execution, step: task.step, attempt: task.attempt, ...(task.index !== undefined ? { index: task.index } : {}) });
  let handler: TaskHandler;
  try {
    handler = await resolveHandler(task.run, options.handlers);
  } catch (error) {
    return failure(error);
  }
  const aborted = new Promise<never>((_, fail) => controller.signal.addEventListener('abort', () => fail(controller.signal.reason), { once: true }));
  aborted.catch(() => undefined);
  const abort = (code: TaskAbortedError['code'], message: string) => {
    if (!controller.signal.aborted) controller.abort(new TaskAbortedError(code, message));
  };
  const timer = task.timeoutMs === undefined ? undefined : options.clock.setTimeout(() => abort('timeout', `timed out after ${task.timeoutMs} ms`), task.timeoutMs);
  const onStop = () => abort('worker_stopped', 'the worker stopped');
  options.signal?.addEventListener('abort', onStop, { once: true });
  if (options.signal?.aborted) onStop();
  const ctx: TaskContext = {
    signal: controller.signal,
    heartbeat: async () => {
      if (controller.signal.aborted) return false;
      const ok = await options.heartbeat().catch(() => true); // an unanswered heartbeat is not a lost lease
      if (!ok) abort('lease_lost', 'the lease was lost (it ran out, or the execution ended)');
      return ok;
    },
    log,
    worker: options.worker ?? '',
    execution: task.execution,
    playbook: task.playbook,
    step: task.step,
    visit: task.visit,
    ...(task.index !== undefined ? { index: task.index } : {}),
    attempt: task.attempt,
  };
  try {
    const output = await Promise.race([invokeHandler(handler, task.input, ctx), aborted]);
    return { ok: true, output };
  } catch (error) {
    if (!(error instanceof TaskAbortedError)) log.debug({ err: error, handler: describeRef(task.run) }, 'task handler failed');
    return failure(error);
  } finally {
    if (timer !== undefined) options.clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onStop);
    if (!controller.signal.aborted) controller.abort(ATTEMPT_OVER);
  }
}
