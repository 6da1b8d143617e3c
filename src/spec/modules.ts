/**
 * `module: ./file.js#export` references: resolved relative to the config file, imported,
 * and checked to be XState actor logic before anything starts. Each becomes a behaviour
 * registered under `module:<absolute path>#<export>`. Importing runs user code, so it is
 * bounded: `check` imports in a child process it can kill; `start` imports in-process (it needs
 * the logic) with a timeout. Both default to 10 s, OVERSEER_MODULE_TIMEOUT_MS overrides it.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyActorLogic } from 'xstate';
import { isActorLogic } from '../actors/logic-traits.js';
import type { ConfigProblem } from '../shared/errors.js';
import type { ConfigPath, SourceDoc } from './positions.js';
import { problem } from './problems.js';
import type { ChildrenView } from './view.js';

export interface ModuleRef {
  path: ConfigPath;
  ref: string;
}

export interface ModuleLoading {
  /** How long one module may take to import (its top-level code and await). */
  timeoutMs: number;
  /** Import in a child process (check): nothing it does can hang, block or keep this process alive. */
  isolate: boolean;
}

export const DEFAULT_MODULE_TIMEOUT_MS = 10_000;

/** OVERSEER_MODULE_TIMEOUT_MS, or the default; a bad value is a problem of `env` like the other variables. */
export function moduleTimeout(env: Record<string, string | undefined>): { timeoutMs: number; problems: ConfigProblem[] } {
  const raw = env.OVERSEER_MODULE_TIMEOUT_MS;
  if (raw === undefined || raw === '') return { timeoutMs: DEFAULT_MODULE_TIMEOUT_MS, problems: [] };
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    const message = `invalid timeout ${JSON.stringify(raw)}; expected a positive integer (milliseconds)`;
    return { timeoutMs: DEFAULT_MODULE_TIMEOUT_MS, problems: [{ file: 'env', line: 0, col: 0, path: 'OVERSEER_MODULE_TIMEOUT_MS', message }] };
  }
  return { timeoutMs: Number(raw), problems: [] };
}

/** Every `module:` in the tree that is a string (others are schema problems), with its config path. */
export function moduleRefs(children: ChildrenView | undefined, base: ConfigPath = ['spec', 'children']): ModuleRef[] {
  return (children ?? []).flatMap((c, i) => [
    ...(c?.module !== undefined ? [{ path: [...base, i, 'module'], ref: c.module }] : []),
    ...(c?.children ? moduleRefs(c.children, [...base, i, 'children']) : []),
  ]);
}

export function behaviourKey(baseDir: string, ref: string): string {
  const [file, exportName] = splitRef(ref);
  return `module:${isAbsolute(file) ? file : resolve(baseDir, file)}#${exportName}`;
}

function splitRef(ref: string): [string, string] {
  const hash = ref.lastIndexOf('#');
  return hash < 0 ? [ref, 'default'] : [ref.slice(0, hash), ref.slice(hash + 1) || 'default'];
}

/** What importing one module found: the logic (in-process only), or why it is not usable. */
type Verdict = { ok: true; logic?: AnyActorLogic } | { ok: false; message: string };

interface Job {
  path: ConfigPath;
  key: string;
  abs: string;
  exportName: string;
}

/** Imports every reference; returns the loaded logic by key (none when isolated) and the problems found. */
export async function loadModules(refs: readonly ModuleRef[], baseDir: string, file: string, source: SourceDoc | undefined, loading: ModuleLoading) {
  const modules = new Map<string, AnyActorLogic>();
  const problems: ConfigProblem[] = [];
  const jobs: Job[] = [];
  const seen = new Set<string>();
  for (const { path, ref } of refs) {
    const key = behaviourKey(baseDir, ref);
    if (seen.has(key)) continue;
    seen.add(key);
    const abs = key.slice('module:'.length, key.lastIndexOf('#'));
    if (!existsSync(abs)) problems.push(problem(file, source, path, `module file not found: ${abs}`));
    else jobs.push({ path, key, abs, exportName: splitRef(ref)[1] });
  }
  const verdicts = loading.isolate ? await importIsolated(jobs, loading.timeoutMs) : await importInProcess(jobs, loading.timeoutMs);
  jobs.forEach((job, i) => {
    const verdict = verdicts[i]!;
    if (!verdict.ok) problems.push(problem(file, source, job.path, verdict.message));
    else if (verdict.logic) modules.set(job.key, verdict.logic);
  });
  return { modules, problems };
}

function judge(mod: Record<string, unknown>, job: Job): Verdict {
  const logic = mod[job.exportName];
  if (isActorLogic(logic)) return { ok: true, logic };
  return verdictOf({ exports: Object.keys(mod), kind: logic === undefined ? 'missing' : 'other' }, job);
}

const timedOut = (job: Job, ms: number) =>
  `importing ${job.abs} did not finish within ${ms} ms (a top-level await that never settles, or a loop?); OVERSEER_MODULE_TIMEOUT_MS sets the limit`;

async function importInProcess(jobs: readonly Job[], timeoutMs: number): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const job of jobs) {
    // The timer is ref'd on purpose: a top-level await that never settles must not let the
    // event loop drain (the process would exit 0 having done nothing).
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), timeoutMs)));
    try {
      const mod = await Promise.race([import(versionedUrl(job.abs)) as Promise<Record<string, unknown>>, timeout]);
      verdicts.push(mod === 'timeout' ? { ok: false, message: timedOut(job, timeoutMs) } : judge(mod, job));
    } catch (error) {
      verdicts.push({ ok: false, message: `cannot import ${job.abs}: ${(error as Error)?.message ?? String(error)}` });
    } finally {
      clearTimeout(timer);
    }
  }
  return verdicts;
}

/**
 * The module's URL with its file's version (mtime and size): ESM caches a module per URL, so
 * an edited file is imported afresh on the next load (a reload, `--watch`), an unchanged one
 * is the very same module and logic. Only the file itself: what it imports stays cached.
 */
function versionedUrl(abs: string): string {
  const { mtimeMs, size } = statSync(abs);
  return `${pathToFileURL(abs).href}?v=${mtimeMs.toString(36)}-${size.toString(36)}`;
}

/**
 * The child's program (`node --input-type=module -e`, so the bundled CLI needs no extra file).
 * It imports the jobs in order, announcing each, and reports what the export is. The actor-logic
 * test is the one in actors/logic-traits.ts (isActorLogic); keep them alike.
 */
const LOADER = `
import { pathToFileURL } from 'node:url';
const jobs = JSON.parse(process.argv[1]);
const isLogic = (v) => typeof v === 'object' && v !== null && typeof v.transition === 'function' && typeof v.getInitialSnapshot === 'function';
const send = (m) => new Promise((res) => process.send(m, res));
for (let i = 0; i < jobs.length; i++) {
  await send({ start: i });
  let mod;
  try {
    mod = await import(pathToFileURL(jobs[i].abs).href);
  } catch (error) {
    await send({ done: i, error: String(error?.message ?? error) });
    continue;
  }
  const v = mod[jobs[i].exportName];
  await send({ done: i, exports: Object.keys(mod), kind: v === undefined ? 'missing' : isLogic(v) ? 'logic' : 'other' });
}
process.exit(0);
`;

interface LoaderMessage {
  start?: number;
  done?: number;
  error?: string;
  exports?: string[];
  kind?: 'missing' | 'logic' | 'other';
}

function verdictOf(m: LoaderMessage, job: Job): Verdict {
  if (m.error !== undefined) return { ok: false, message: `cannot import ${job.abs}: ${m.error}` };
  if (m.kind === 'missing') return { ok: false, message: `${job.abs} has no export "${job.exportName}"; it exports: ${m.exports?.join(', ') || '(none)'}` };
  if (m.kind === 'other') return { ok: false, message: `export "${job.exportName}" of ${job.abs} is not XState actor logic (createMachine, fromCallback, …)` };
  return { ok: true };
}

/** Imports in child processes: a job that times out or kills its process is reported, and the rest go on in a fresh one. */
async function importIsolated(jobs: readonly Job[], timeoutMs: number): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  while (verdicts.length < jobs.length) {
    const batch = jobs.slice(verdicts.length);
    verdicts.push(...(await runLoader(batch, timeoutMs)));
  }
  return verdicts;
}

/** One child for `batch`: verdicts for a prefix of it, ending at the first job that hung or crashed it. */
function runLoader(batch: readonly Job[], timeoutMs: number): Promise<Verdict[]> {
  return new Promise((resolvePromise) => {
    const verdicts: Verdict[] = [];
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOADER, JSON.stringify(batch.map(({ abs, exportName }) => ({ abs, exportName })))], {
      // The module's own output is not check's output; its stderr is kept for a crash message.
      // spawn, unlike fork, passes none of this process's execArgv (inspector, loaders) on.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    let settled = false;
    const finish = (last?: Verdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (last) verdicts.push(last);
      // A module may leave timers or sockets open; killing the child is what lets check exit.
      child.kill('SIGKILL');
      resolvePromise(verdicts);
    };
    let timer = setTimeout(() => finish({ ok: false, message: timedOut(batch[verdicts.length]!, timeoutMs) }), timeoutMs);
    child.on('message', (m: LoaderMessage) => {
      if (m.start !== undefined) {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ ok: false, message: timedOut(batch[verdicts.length]!, timeoutMs) }), timeoutMs);
      } else if (m.done !== undefined) {
        verdicts.push(verdictOf(m, batch[m.done]!));
        if (verdicts.length === batch.length) finish();
      }
    });
    child.on('error', (error) => finish({ ok: false, message: `cannot start the module loader: ${error.message}` }));
    child.on('exit', (code, signal) => {
      if (settled) return;
      const job = batch[verdicts.length];
      if (!job) return finish();
      const why = code === 13 ? 'its top-level await never settles' : `the process exited (${signal ?? `code ${code}`}) while importing it`;
      const detail = stderr.split('\n').find((l) => /Error|error/.test(l))?.trim();
      finish({ ok: false, message: `cannot import ${job.abs}: ${why}${detail ? `: ${detail}` : ''}` });
    });
  });
}
