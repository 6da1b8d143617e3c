/**
 * Task handlers: what a task step's `run:` names. A registered name (the built-ins below, or
 * handlers an embedder passes to workflowBehaviours) or a module `./file.js#export`, relative
 * to the playbook. A handler is `async (input, ctx) => output`, or XState logic (fromPromise,
 * a machine reaching a final state) run with the input and stopped when ctx.signal aborts.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createActor, type AnyActorLogic } from 'xstate';
import { isActorLogic } from '../actors/logic-traits.js';
import type { Logger } from '../shared/logger.js';
import type { HandlerRef } from './playbook/types.js';

export interface TaskContext {
  /** Aborted when the attempt times out, the lease is lost, the execution ends or the worker stops. */
  readonly signal: AbortSignal;
  /** Extends the lease (long tasks must call it more often than `leaseMs`); resolves false when the lease is lost. */
  heartbeat(): Promise<boolean>;
  readonly log: Logger;
  /** The path of the workflow-worker running it. */
  readonly worker: string;
  readonly execution: string;
  readonly playbook: string;
  readonly step: string;
  readonly visit: number;
  /** The element's index, for iterator steps. */
  readonly index?: number;
  readonly attempt: number;
}

export type TaskFunction = (input: unknown, ctx: TaskContext) => unknown;
export type TaskHandler = TaskFunction | AnyActorLogic;

/** A handler error a retry cannot fix: the action fails at once, whatever `retry` says. */
export class NonRetryableError extends Error {
  readonly retryable = false;
}

function sleep(input: unknown, ctx: TaskContext): Promise<unknown> {
  const ms = Number((input as { ms?: unknown } | null)?.ms ?? 0);
  return new Promise((done, fail) => {
    const onAbort = () => (clearTimeout(timer), fail(ctx.signal.reason));
    const timer = setTimeout(() => (ctx.signal.removeEventListener('abort', onAbort), done(input)), Number.isFinite(ms) && ms > 0 ? ms : 0);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Registered under these names in every system. */
export const BUILTIN_HANDLERS: Readonly<Record<string, TaskHandler>> = Object.freeze({
  /** Does nothing; its output is null. */
  noop: () => null,
  /** Its output is its input. */
  echo: (input: unknown) => input,
  /** Waits `input.ms` milliseconds (aborted by ctx.signal); its output is its input. */
  sleep,
});

/** `run:` text → a reference: paths (starting with `.` or `/`) are modules relative to `baseDir`, anything else a name. */
export function parseRunRef(run: string, baseDir: string): HandlerRef {
  if (!run.startsWith('.') && !isAbsolute(run)) return { name: run };
  const hash = run.lastIndexOf('#');
  const path = hash < 0 ? run : run.slice(0, hash);
  const name = hash < 0 ? 'default' : run.slice(hash + 1) || 'default';
  return { module: resolve(baseDir, path), export: name };
}

export const describeRef = (ref: HandlerRef): string => ('name' in ref ? ref.name : `${ref.module}#${ref.export}`);

const isHandler = (value: unknown): value is TaskHandler => typeof value === 'function' || isActorLogic(value);

/** How long importing a handler module may take before it is reported as hanging. */
export const MODULE_IMPORT_TIMEOUT_MS = 10_000;
const imported = new Map<string, Promise<Record<string, unknown>>>();

/** Imports a module once per process (a failed import is retried next time), bounded by MODULE_IMPORT_TIMEOUT_MS. */
function importModule(file: string): Promise<Record<string, unknown>> {
  let pending = imported.get(file);
  if (!pending) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`importing ${file} took over ${MODULE_IMPORT_TIMEOUT_MS} ms`)), MODULE_IMPORT_TIMEOUT_MS);
      timer.unref();
    });
    pending = Promise.race([import(pathToFileURL(file).href) as Promise<Record<string, unknown>>, timeout]).finally(() => clearTimeout(timer));
    pending.catch(() => imported.delete(file));
    imported.set(file, pending);
  }
  return pending;
}

/** The handler a reference names; throws with a message fit for a config problem or an action's error. */
export async function resolveHandler(ref: HandlerRef, registry: ReadonlyMap<string, TaskHandler>): Promise<TaskHandler> {
  if ('name' in ref) {
    const handler = registry.get(ref.name);
    if (!handler) throw new NonRetryableError(`unknown task handler "${ref.name}"; registered: ${[...registry.keys()].join(', ')}`);
    return handler;
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(ref.module);
  } catch (error) {
    throw new NonRetryableError(`cannot import ${ref.module}: ${(error as Error).message.split('\n')[0]}`);
  }
  const value = mod[ref.export];
  if (!isHandler(value)) {
    const exports = Object.keys(mod).filter((k) => isHandler(mod[k]));
    throw new NonRetryableError(`${ref.module} has no function or XState logic export "${ref.export}"${exports.length ? `; it exports ${exports.join(', ')}` : ''}`);
  }
  return value;
}

/** Runs a handler once: a function is called; XState logic runs as an actor until done (its output), an error, or the abort. */
export function invokeHandler(handler: TaskHandler, input: unknown, ctx: TaskContext): Promise<unknown> {
  if (typeof handler === 'function' && !isActorLogic(handler)) return Promise.resolve().then(() => (handler as TaskFunction)(input, ctx));
  return new Promise((done, fail) => {
    const actor = createActor(handler as AnyActorLogic, { input });
    const onAbort = () => {
      actor.stop();
      fail(ctx.signal.reason);
    };
    actor.subscribe({
      complete: () => {
        ctx.signal.removeEventListener('abort', onAbort);
        done(actor.getSnapshot().output);
      },
      error: (error) => {
        ctx.signal.removeEventListener('abort', onAbort);
        fail(error);
      },
    });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    actor.start();
  });
}
