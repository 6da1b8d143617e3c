/**
 * GET /health in the IETF health-check draft format (`application/health+json`): one check
 * per actor. A required actor not ready fails; an optional one not ready, or any actor that
 * restarted within its supervisor's intensity window, warns. HTTP 503 only on fail.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../problem.js';
import type { AdminView } from '../view.js';
import { walk } from './tree.js';

type Health = 'pass' | 'warn' | 'fail';
const RANK: Record<Health, number> = { pass: 0, warn: 1, fail: 2 };

export function health(view: AdminView, _req: IncomingMessage, res: ServerResponse): void {
  const now = new Date().toISOString();
  const checks: Record<string, unknown[]> = {};
  let overall: Health = view.stopping() ? 'fail' : 'pass';
  for (const node of walk(view.status())) {
    if (node.type !== 'worker') continue;
    const restarts = view.recentRestarts(node.path);
    const dormant = node.status === 'completed' || (node.status === 'stopped' && !node.required);
    let status: Health = 'pass';
    let output: string | undefined;
    if (!node.ready && !dormant) {
      status = node.required ? 'fail' : 'warn';
      output = `${node.status}${node.lastExit?.error ? `: ${node.lastExit.error}` : ''}`;
    } else if (restarts > 0) {
      status = 'warn';
      output = `${restarts} restart${restarts === 1 ? '' : 's'} in the intensity window`;
    }
    if (RANK[status] > RANK[overall]) overall = status;
    checks[`${node.path}:ready`] = [
      { componentId: node.path, componentType: 'actor', status, observedValue: restarts, observedUnit: 'restarts', time: now, ...(output ? { output } : {}) },
    ];
  }
  sendJson(
    res,
    overall === 'fail' ? 503 : 200,
    { status: overall, serviceId: view.system, description: `overseer system ${view.system} on ${view.node}`, checks },
    'application/health+json',
  );
}
