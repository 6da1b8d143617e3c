/** One attempt of a task: the handler's context (signal, heartbeat), per-step timeouts, XState logic as a handler. */
import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { silentLogger } from '../../src/shared/logger.js';
import type { TaskSpec } from '../../src/workflows/broker/decide.js';
import { BUILTIN_HANDLERS, NonRetryableError, type TaskContext, type TaskHandler } from '../../src/workflows/handlers.js';
import { runTask } from '../../src/workflows/worker/run-task.js';
import { ManualClock } from '../support/manual-clock.js';

const task = (run: string, extra: Partial<TaskSpec> = {}): TaskSpec => ({ id: 't', execution: 'e', playbook: 'p', step: 's', visit: 1, attempt: 1, input: 21, run: { name: run }, delayMs: 0, ...extra });

function setup(handlers: Record<string, TaskHandler>, heartbeat = async () => true) {
  const clock = new ManualClock();
  const run = (t: TaskSpec, signal?: AbortSignal) => runTask(t, { handlers: new Map([...Object.entries(BUILTIN_HANDLERS), ...Object.entries(handlers)]), clock, logger: silentLogger(), heartbeat, signal });
  return { clock, run };
}

describe('running a task', () => {
  it('calls the handler with the input and a context, and returns its output', async () => {
    let seen: TaskContext | undefined;
    const { run } = setup({ double: (n, ctx) => ((seen = ctx), (n as number) * 2) });
    expect(await run(task('double', { index: 3, attempt: 2 }))).toEqual({ ok: true, output: 42 });
    expect(seen).toMatchObject({ execution: 'e', step: 's', index: 3, attempt: 2 });
    expect(seen!.signal.aborted).toBe(true); // the attempt is over: anything it left running is told so
  });

  it('timeoutMs aborts ctx.signal and fails the attempt with code timeout, without waiting for the handler', async () => {
    let signal: AbortSignal | undefined;
    const { run, clock } = setup({ hang: (_i, ctx) => ((signal = ctx.signal), new Promise(() => undefined)) });
    const outcome = run(task('hang', { timeoutMs: 500 }));
    while (!signal) await new Promise((r) => setImmediate(r)); // the handler has been called
    await clock.advance(499);
    expect(signal!.aborted).toBe(false);
    await clock.advance(1);
    expect(await outcome).toMatchObject({ ok: false, error: { code: 'timeout', message: 'timed out after 500 ms' }, retryable: true });
    expect(signal!.aborted).toBe(true);
  });

  it('a heartbeat the queue refuses (lease lost) aborts the attempt', async () => {
    const { run } = setup({ beat: async (_i, ctx) => ((await ctx.heartbeat()) ? 'kept' : new Promise(() => undefined)) }, async () => false);
    expect(await run(task('beat'))).toMatchObject({ ok: false, error: { code: 'lease_lost' } });
  });

  it('a handler error becomes a retryable failure with its message and code; NonRetryableError is not retryable', async () => {
    const { run } = setup({
      boom: () => Promise.reject(Object.assign(new Error('db down'), { code: 'ECONNREFUSED' })),
      bad: () => {
        throw new NonRetryableError('bad input');
      },
    });
    expect(await run(task('boom'))).toEqual({ ok: false, error: { message: 'db down', code: 'ECONNREFUSED' }, retryable: true });
    expect(await run(task('bad'))).toEqual({ ok: false, error: { message: 'bad input' }, retryable: false });
  });

  it('an unknown handler fails without retries', async () => {
    const { run } = setup({});
    expect(await run(task('ghost'))).toMatchObject({ ok: false, retryable: false, error: { message: expect.stringContaining('unknown task handler "ghost"') } });
  });

  it('runs XState logic (fromPromise) with the input as a handler, its output the result', async () => {
    const { run } = setup({ logic: fromPromise(async ({ input }: { input: number }) => input + 1) });
    expect(await run(task('logic'))).toEqual({ ok: true, output: 22 });
  });

  it('a worker that stops aborts the attempt', async () => {
    const stop = new AbortController();
    const { run } = setup({ wait: (_i, ctx) => new Promise((_, fail) => ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason))) });
    const outcome = run(task('wait'), stop.signal);
    stop.abort();
    expect(await outcome).toMatchObject({ ok: false, error: { code: 'worker_stopped' } });
  });
});
