/**
 * `overseer apply FILE`, `overseer params PATH key=value…`, `overseer history PATH`,
 * `overseer restart PATH` (DESIGN §11): thin clients of the admin write API, with `--url` and
 * `--token` (default OVERSEER_ADMIN_TOKEN). A refused request prints the server's problem.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT } from './exit-codes.js';
import { adminBaseUrl } from './status.js';

export interface AdminFlags {
  url: string;
  token?: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(command: string, flags: AdminFlags, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer | number> {
  const base = adminBaseUrl(flags.url);
  if (base === undefined) {
    process.stderr.write(`overseer ${command}: --url "${flags.url}" is not an http(s) URL (e.g. http://127.0.0.1:7070)\n`);
    return EXIT.USAGE;
  }
  const token = flags.token ?? process.env.OVERSEER_ADMIN_TOKEN;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = contentType;
  try {
    const res = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { detail: text.slice(0, 500) };
    }
    return { status: res.status, body: parsed };
  } catch (error) {
    process.stderr.write(`overseer ${command}: cannot reach ${base.origin} (${(error as Error).message}); is the system running?\n`);
    return 1;
  }
}

/** Prints a problem answer as `overseer CMD: STATUS code: detail` (and its positioned problems). */
function refused(command: string, answer: Answer): number {
  const code = String(answer.body.type ?? '').replace('urn:overseer:problem:', '') || 'error';
  process.stderr.write(`overseer ${command}: ${answer.status} ${code}: ${String(answer.body.detail ?? '')}\n`);
  return answer.status === 400 && code === 'invalid_config' ? EXIT.CONFIG : 1;
}

const actorPath = (path: string, action: string) => `/actors/${path.split('/').map(encodeURIComponent).join('/')}/${action}`;

/** `key=value`: the value as JSON when it parses (numbers, booleans, null, objects), else the string. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> | string {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `"${pair}" is not key=value`;
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    patch[pair.slice(0, eq)] = value;
  }
  return patch;
}

export async function runParams(path: string, pairs: string[], flags: AdminFlags): Promise<number> {
  const patch = parseAssignments(pairs);
  if (typeof patch === 'string') {
    process.stderr.write(`overseer params: ${patch}\n`);
    return EXIT.USAGE;
  }
  const answer = await call('params', flags, pairs.length === 0 ? 'GET' : 'PUT', actorPath(path, 'params'), pairs.length === 0 ? undefined : patch);
  if (typeof answer === 'number') return answer;
  if (answer.status !== 200) return refused('params', answer);
  process.stdout.write(JSON.stringify(answer.body, null, 2) + '\n');
  return EXIT.OK;
}

export async function runHistory(path: string, flags: AdminFlags): Promise<number> {
  const answer = await call('history', flags, 'GET', actorPath(path, 'history'));
  if (typeof answer === 'number') return answer;
  if (answer.status !== 200) return refused('history', answer);
  const entries = (answer.body.entries ?? []) as { time: string; source: string; changed: unknown; previous: unknown }[];
  if (entries.length === 0) process.stdout.write(`${path}: no parameter changes recorded\n`);
  for (const e of entries) process.stdout.write(`${e.time}  ${e.source.padEnd(8)}  ${JSON.stringify(e.previous)} → ${JSON.stringify(e.changed)}\n`);
  return EXIT.OK;
}

export async function runRestart(path: string, flags: AdminFlags): Promise<number> {
  const answer = await call('restart', flags, 'POST', actorPath(path, 'restart'));
  if (typeof answer === 'number') return answer;
  if (answer.status !== 200) return refused('restart', answer);
  process.stdout.write(`${path}: restarted${answer.body.instance ? ` (instance ${String(answer.body.instance)})` : ''}\n`);
  return EXIT.OK;
}

/**
 * Sends FILE's text as `application/yaml` (JSON is YAML too): the running system validates it
 * with positions named after FILE, and answers the plan or the problems (exit 78).
 */
export async function runApply(file: string, flags: AdminFlags): Promise<number> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch (error) {
    process.stderr.write(`overseer apply: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT.CONFIG;
  }
  const answer = await call('apply', flags, 'POST', `/apply?file=${encodeURIComponent(file)}`, text, 'application/yaml');
  if (typeof answer === 'number') return answer;
  if (answer.status !== 200) {
    const problems = (answer.body.problems ?? []) as { file?: string; line?: number; column?: number; path?: string; message?: string }[];
    for (const p of problems) process.stderr.write(`${p.file ?? file}:${p.line ?? 1}:${p.column ?? 1}: ${p.path ? `${p.path}: ` : ''}${p.message ?? ''}\n`);
    return refused('apply', answer);
  }
  const plan = answer.body as Record<string, string[]>;
  for (const key of ['added', 'removed', 'restarted', 'updatedLive']) for (const p of plan[key] ?? []) process.stdout.write(`${key.padEnd(11)} ${p}\n`);
  process.stdout.write(`${(plan.unchanged ?? []).length} unchanged\n`);
  return EXIT.OK;
}
