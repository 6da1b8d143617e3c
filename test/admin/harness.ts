/** Starts a system with the admin endpoint on a free loopback port, for endpoint tests. */
import type { AnyActorLogic } from 'xstate';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import type { EventEnvelope } from '../../src/events/catalogue.js';
import type { EventBus } from '../../src/events/index.js';
import type { AdminView } from '../../src/admin/view.js';
import { ManualClock } from '../support/manual-clock.js';

export async function adminSystem(children: unknown[], behaviours: Record<string, AnyActorLogic>, extra: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  const system: System = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'admin-test' }, spec: { node: 'n1', children, ...extra } },
    behaviours,
    admin: { host: '127.0.0.1', port: 0 },
    clock,
  });
  await waitFor(() => system.adminUrl !== undefined);
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(system.adminUrl + path, init);
    return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
  };
  const types = () => system.events.recent().map((e: EventEnvelope) => e.type);
  return { system, clock, get, types };
}

/** Polls a condition across event-loop turns (real I/O is involved); bounded, never a fixed sleep. */
export async function waitFor(cond: () => boolean, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('waitFor: condition not met');
}

/** An admin view over a bus alone (no tree): for tests of the HTTP layer itself. */
export function busOnlyView(system: string, bus: EventBus): AdminView {
  return {
    system,
    node: 'n1',
    live: () => true,
    readiness: () => ({}) as never,
    stopping: () => false,
    status: () => ({}) as never,
    statusAt: () => undefined,
    recentRestarts: () => 0,
    events: bus,
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
  };
}
