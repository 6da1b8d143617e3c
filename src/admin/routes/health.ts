/**
 * GET /health in the IETF health-check draft format (draft-inadarei-api-health-check,
 * `application/health+json`): two checks per actor, `PATH:ready` (observedValue: is it ready)
 * and `PATH:restarts` (restarts within its supervisor's intensity window). A required actor
 * not ready fails; an optional one not ready, or a restart in the window, warns. 503 only on fail.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { packageVersion } from '../../shared/version.js';
import { sendJson } from '../problem.js';
import type { AdminView } from '../view.js';
import { walk } from './tree.js';

type Health = 'pass' | 'warn' | 'fail';
const RANK: Record<Health, number> = { pass: 0, warn: 1, fail: 2 };

/** One entry of a `checks` array (the draft's "check object"); `output` only on warn/fail. */
interface Check {
  componentId: string;
  /** One of the draft's predefined values: an actor is a `component` of the system. */
  componentType: 'component';
  observedValue: boolean | number;
  observedUnit?: string;
  status: Health;
  time: string;
  output?: string;
}

export function health(view: AdminView, _req: IncomingMessage, res: ServerResponse): void {
  const time = new Date().toISOString();
  const checks: Record<string, Check[]> = {};
  const reasons: string[] = view.stopping() ? ['the system is stopping'] : [];
  let overall: Health = view.stopping() ? 'fail' : 'pass';
  const add = (key: string, { componentId, ...check }: Omit<Check, 'componentType' | 'time'>) => {
    checks[key] = [{ componentId, componentType: 'component', ...check, time }];
    if (RANK[check.status] > RANK[overall]) overall = check.status;
    if (check.output !== undefined) reasons.push(`${key}: ${check.output}`);
  };
  for (const node of walk(view.status())) {
    if (node.type !== 'worker') continue;
    // completed, an optional child stopped, a leader-only child on a node that does not lead: nothing is wrong
    const dormant = node.status === 'completed' || node.status === 'standby' || (node.status === 'stopped' && !node.required);
    const notReady = !node.ready && !dormant;
    add(`${node.path}:ready`, {
      componentId: node.path,
      observedValue: node.ready,
      status: notReady ? (node.required ? 'fail' : 'warn') : 'pass',
      ...(notReady ? { output: `not ready (${node.status})${node.lastExit?.error ? `: ${node.lastExit.error}` : ''}` } : {}),
    });
    const restarts = view.recentRestarts(node.path);
    add(`${node.path}:restarts`, {
      componentId: node.path,
      observedValue: restarts,
      observedUnit: 'restarts',
      status: restarts > 0 ? 'warn' : 'pass',
      ...(restarts > 0 ? { output: `${restarts} restart${restarts === 1 ? '' : 's'} within the intensity window` } : {}),
    });
  }
  const release = packageVersion();
  const body = {
    status: overall,
    // The draft's public version (semver major: what a client may rely on) and the release.
    ...(release ? { version: release.split('.')[0], releaseId: release } : {}),
    serviceId: view.system,
    description: `overseer system ${view.system} on ${view.node}`,
    ...(overall === 'pass' ? {} : { output: reasons.join('; ') }),
    checks,
  };
  sendJson(res, overall === 'fail' ? 503 : 200, body, 'application/health+json');
}
