/**
 * Kubernetes-style probes. /livez: the root runs and the event loop answers, nothing else.
 * /readyz: every required actor ready and not stopping; `?verbose` lists the checks,
 * `?exclude=PATH` skips one, `/readyz/PATH` asks about one actor.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendProblem, sendText } from '../problem.js';
import type { Target } from '../server.js';
import type { AdminView } from '../view.js';

export function livez(view: AdminView, _req: IncomingMessage, res: ServerResponse, url: Target): void {
  const live = view.live();
  if (url.searchParams.has('verbose')) return sendText(res, live ? 200 : 503, `[${live ? '+' : '-'}]root ${live ? 'ok' : 'stopped'}\nlivez check ${live ? 'passed' : 'failed'}\n`);
  sendText(res, live ? 200 : 503, live ? 'ok' : 'root supervisor stopped');
}

interface Check {
  name: string;
  ok: boolean;
  reason: string;
}

export function readinessChecks(view: AdminView, excluded: ReadonlySet<string>): Check[] {
  const state = view.readiness();
  const checks: Check[] = state.expected
    .filter((p) => !excluded.has(p))
    .map((p) => ({ name: p, ok: state.ready.has(p), reason: state.ready.has(p) ? 'ok' : `not ready: ${state.reasons.get(p) ?? 'starting'}` }));
  const stopping = view.stopping() || state.stopping;
  if (!excluded.has('shutdown')) checks.push({ name: 'shutdown', ok: !stopping, reason: stopping ? 'stopping' : 'ok' });
  return checks;
}

export function readyz(view: AdminView, _req: IncomingMessage, res: ServerResponse, url: Target, subpath: string): void {
  if (subpath) return readyzOne(view, res, subpath);
  if (url.searchParams.size === 0) {
    // The probe as Kubernetes sends it: one answer, no per-check detail to build.
    const state = view.readiness();
    const ok = !view.stopping() && !state.stopping && state.expected.every((p) => state.ready.has(p));
    return sendText(res, ok ? 200 : 503, ok ? 'ok' : 'not ready');
  }
  const excluded = new Set(url.searchParams.getAll('exclude'));
  const checks = readinessChecks(view, excluded);
  const ok = checks.every((c) => c.ok);
  if (!url.searchParams.has('verbose')) return sendText(res, ok ? 200 : 503, ok ? 'ok' : 'not ready');
  const lines = checks.map((c) => `[${c.ok ? '+' : '-'}]${c.name} ${c.reason}`);
  for (const p of excluded) lines.push(`[+]${p} excluded: ok`);
  lines.push(`readyz check ${ok ? 'passed' : 'failed'}`);
  sendText(res, ok ? 200 : 503, lines.join('\n') + '\n');
}

function readyzOne(view: AdminView, res: ServerResponse, path: string): void {
  if (path === 'shutdown') {
    // The check ?verbose lists as [+]shutdown: the node is not stopping.
    const stopping = view.stopping() || view.readiness().stopping;
    return sendText(res, stopping ? 503 : 200, stopping ? 'stopping' : 'ok');
  }
  const node = view.statusAt(path, 0);
  if (!node) return sendProblem(res, 404, 'unknown_actor', `no actor at path "${path}"`, { path });
  const ok = node.ready && !view.stopping();
  sendText(res, ok ? 200 : 503, ok ? 'ok' : `not ready: ${node.status}`);
}
