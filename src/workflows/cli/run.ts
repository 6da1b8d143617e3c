/**
 * `overseer run PLAYBOOK [--workload k=v…]` (DESIGN §13): starts an execution through the
 * gateway and follows its log over SSE (resuming with Last-Event-ID if the stream breaks),
 * printing a line per step as it starts and completes on stderr and the result as JSON on
 * stdout. Exit 0 when it completes, 1 when it fails or is cancelled (or the server refuses).
 */
import type { Command } from 'commander';
import { parseAssignments } from '../../cli/admin-commands.js';
import { adminBaseUrl } from '../../cli/status.js';
import { EXIT } from '../../cli/exit-codes.js';

export interface RunFlags {
  url: string;
  workload: string[];
  id?: string;
  json?: boolean;
}

interface LoggedEvent {
  type: string;
  position: number;
  time?: string;
  data: Record<string, unknown> & { step?: string; index?: number; attempt?: number };
}

export function defaultGatewayUrl(env: Record<string, string | undefined> = process.env): string {
  return env.OVERSEER_GATEWAY_URL ?? `http://127.0.0.1:${env.OVERSEER_GATEWAY_PORT ?? '2113'}`;
}

/** Adds `run` to the program; `done` receives the exit code. */
export function registerRunCommand(program: Command, done: (code: number) => void): void {
  program
    .command('run')
    .description('run a playbook on a running system (through its gateway) and follow it to the end')
    .argument('<playbook>', 'the name of a playbook the system registered (metadata.name)')
    .option('--workload <key=value...>', 'workload fields (values are JSON when they parse: n=3, xs=[1,2], s=text)', [])
    .option('--id <executionId>', 'the execution id (running it again with the same id follows the same execution)')
    .option('--url <url>', 'gateway base URL (default: OVERSEER_GATEWAY_URL, or 127.0.0.1 on OVERSEER_GATEWAY_PORT or 2113)', defaultGatewayUrl())
    .option('--json', 'print every event of the log as a JSON line instead of the progress lines', false)
    .action(async (playbook: string, flags: RunFlags) => done(await runPlaybook(playbook, flags)));
}

const print = (line: string) => process.stderr.write(`${line}\n`);

export async function runPlaybook(playbook: string, flags: RunFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const base = adminBaseUrl(flags.url);
  if (!base) {
    print(`overseer run: --url "${flags.url}" is not an http(s) URL (e.g. http://127.0.0.1:2113)`);
    return EXIT.USAGE;
  }
  const workload = parseAssignments(flags.workload ?? []);
  if (typeof workload === 'string') {
    print(`overseer run: --workload: ${workload}`);
    return EXIT.USAGE;
  }
  let created: { executionId: string; created: boolean };
  try {
    const res = await fetch(new URL('/api/v1/executions', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ playbook, workload, ...(flags.id ? { executionId: flags.id } : {}) }),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status !== 201 && res.status !== 200) return refused(res.status, body);
    created = body as typeof created;
  } catch (error) {
    print(`overseer run: cannot reach ${base.origin} (${(error as Error).message}); is the system running (systems/workflows.yaml)?`);
    return 1;
  }
  if (!flags.json) print(`execution ${created.executionId} of ${playbook}${created.created ? '' : ' (already started: following it)'}`);
  return follow(base, created.executionId, flags.json === true, out);
}

function refused(status: number, body: Record<string, unknown>): number {
  const code = String(body.type ?? '').replace('urn:overseer:problem:', '') || 'error';
  print(`overseer run: ${status} ${code}: ${String(body.detail ?? '')}`);
  for (const p of (body.problems ?? []) as { path: string; message: string }[]) print(`  ${p.path}: ${p.message}`);
  return 1;
}

/** Follows the log to its terminal event; resumes after the last position seen when the stream breaks. */
async function follow(base: URL, id: string, json: boolean, out: (text: string) => void): Promise<number> {
  const started = new Map<string, number>();
  let last: number | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    let res: Response;
    try {
      res = await fetch(new URL(`/api/v1/executions/${encodeURIComponent(id)}/events`, base), { headers: { accept: 'text/event-stream', ...(last !== undefined ? { 'last-event-id': String(last) } : {}) } });
    } catch {
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      continue;
    }
    if (res.status !== 200) return refused(res.status, (await res.json().catch(() => ({}))) as Record<string, unknown>);
    for await (const frame of frames(res.body!)) {
      if (frame.event === 'end') break;
      if (frame.event !== undefined || frame.data === undefined) continue; // shutdown, problem: reconnect below
      const event = JSON.parse(frame.data) as LoggedEvent;
      last = event.position;
      if (json) out(`${frame.data}\n`);
      const code = show(event, started, json, out);
      if (code !== undefined) return code;
    }
    attempt = 0;
    await new Promise((r) => setTimeout(r, 200));
  }
  print(`overseer run: lost the event stream of ${id}; see GET /api/v1/executions/${id}`);
  return 1;
}

/** One progress line; the exit code once the execution has ended. */
function show(event: LoggedEvent, started: Map<string, number>, json: boolean, out: (text: string) => void): number | undefined {
  const d = event.data;
  const at = event.time ? Date.parse(event.time) : Date.now();
  const name = d.index !== undefined ? `${d.step}[${d.index}]` : String(d.step);
  switch (event.type) {
    case 'step_started': {
      started.set(String(d.step), at);
      const elements = Array.isArray(d.elements) ? ` (${d.elements.length} elements)` : '';
      if (!json) print(`started   ${d.step}${elements}`);
      return undefined;
    }
    case 'step_completed':
      if (!json) print(`completed ${d.step} (${Math.max(0, at - (started.get(String(d.step)) ?? at))} ms)`);
      return undefined;
    case 'action_failed':
      if (!json) print(`failed    ${name}, attempt ${d.attempt}: ${(d.error as { message?: string })?.message ?? ''}`);
      return undefined;
    case 'action_retry':
      if (!json) print(`retrying  ${name}: attempt ${d.attempt} in ${d.delayMs} ms`);
      return undefined;
    case 'expression_failed':
      if (!json) print(`warning   ${d.step}: ${d.field} ${JSON.stringify(d.expression)} failed (counted as false): ${d.error}`);
      return undefined;
    case 'execution_completed':
      if (!json) out(`${JSON.stringify(d.result ?? null)}\n`);
      return EXIT.OK;
    case 'execution_failed':
      if (!json) print(`execution failed at ${d.step}: ${(d.error as { message?: string })?.message ?? ''}`);
      return 1;
    case 'execution_cancelled':
      if (!json) print(`execution cancelled${d.reason ? `: ${d.reason}` : ''}`);
      return 1;
    default:
      return undefined;
  }
}

/** Server-Sent Events frames of a response body. */
async function* frames(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event?: string; id?: string; data?: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  let frame: { event?: string; id?: string; data?: string } = {};
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (frame.data !== undefined || frame.event !== undefined) yield frame;
        frame = {};
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else if (field === 'event') frame.event = value;
      else if (field === 'id') frame.id = value;
    }
  }
}
