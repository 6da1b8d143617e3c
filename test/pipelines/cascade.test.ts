/**
 * The pipeline cascade (DESIGN §10): when an actor starts again (a params update here), every
 * completed actor downstream of it starts again first, fresh; running ones are left alone; a
 * params update inside a completed supervisor starts that supervisor again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { pipelineBehaviours } from '../support/pipeline-behaviours.js';

let dataDir: string;
const running: System[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'overseer-cascade-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(line: Record<string, unknown>): Promise<System> {
  const spec = { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'cascade' }, spec: { node: 'n1', dataDir, children: [{ id: 'line', restart: 'transient', ...line }] } };
  const system = await startSystem({ spec, behaviours: pipelineBehaviours, admin: false, env: {} });
  running.push(system);
  return system;
}

/** Waits (event-loop turns) until `path` has `status`, in an incarnation other than `not` when given. */
async function until(system: System, path: string, status: string, not?: string | null): Promise<void> {
  const done = () => system.statusAt(path)?.status === status && (not === undefined || system.statusAt(path)?.instance !== not);
  for (let i = 0; i < 100_000 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

const count = (system: System, type: string, path: string, reason?: string) =>
  system.events.recent({ types: [type] }).filter((e) => {
    const d = e.data as { path: string; reason?: string };
    return d.path === path && (reason === undefined || d.reason === reason);
  }).length;

const stages = (extra: Record<string, unknown> = {}, sinkRestart = 'transient') => [
  { id: 'sink', behaviour: 'collector', restart: sinkRestart, inputs: ['relay'], mailbox: { capacity: 16 }, ...extra },
  { id: 'relay', behaviour: 'relay', restart: 'transient', inputs: ['numbers'], mailbox: { capacity: 16 }, ...extra },
  { id: 'numbers', behaviour: 'producer', params: { count: 100 }, restart: 'transient', ...extra },
];

describe('the pipeline cascade', () => {
  it('a params update of a completed producer starts its completed consumers again first, transitively, fresh and uncounted', async () => {
    const system = await start({ children: stages() });
    await until(system, 'root/line/sink', 'completed');
    const before = system.statusAt('root/line/sink')!.instance;
    const result = await system.updateParams('root/line/numbers', { count: 300 });
    expect(result.action).toBe('restarted');
    await until(system, 'root/line/sink', 'completed', before);
    const sink = system.statusAt('root/line/sink')!;
    expect(sink.info).toMatchObject({ received: 300, outOfOrder: 0 }); // fresh: not 100 + 300
    expect(sink.instance).not.toBe(before);
    expect(sink.restarts).toBe(0);
    expect(system.statusAt('root/line/relay')!.restarts).toBe(0);
  });

  it('leaves a running consumer alone: it is not started again, it takes the new run in the instance it had', async () => {
    // A permanent sink is started again when it completes: it is running, not completed, when numbers restarts.
    const system = await start({ children: stages({}, 'permanent') });
    await until(system, 'root/line/relay', 'completed');
    await until(system, 'root/line/sink', 'ready');
    expect(count(system, 'child_started', 'root/line/sink')).toBe(2); // first run, then its permanent restart
    const waiting = system.statusAt('root/line/sink')!.instance;
    const relay = system.statusAt('root/line/relay')!.instance;
    await system.updateParams('root/line/numbers', { count: 40 });
    await until(system, 'root/line/relay', 'completed', relay);
    for (let i = 0; i < 1000 && count(system, 'child_exited', 'root/line/sink', 'normal') < 2; i++) await new Promise((r) => setImmediate(r));
    // The instance that was waiting took the 40 and completed; only then did its restart type start it again.
    expect(count(system, 'child_exited', 'root/line/sink', 'normal')).toBe(2);
    expect(count(system, 'child_started', 'root/line/sink')).toBe(3);
    expect(system.statusAt('root/line/sink')!.instance).not.toBe(waiting);
  });

  it('a params update inside a completed autoShutdown supervisor starts the supervisor again, and the new run completes it again', async () => {
    const system = await start({ autoShutdown: 'all_significant', children: stages({ significant: true }) });
    await until(system, 'root/line', 'completed');
    await system.updateParams('root/line/numbers', { count: 250 });
    await until(system, 'root/line/numbers', 'completed');
    await until(system, 'root/line', 'completed');
    expect(system.statusAt('root/line/sink')!.info).toMatchObject({ received: 250, outOfOrder: 0 });
    expect(system.statusAt('root/line/numbers')!.params).toEqual({ count: 250 });
    expect(system.events.recent({ types: ['auto_shutdown'] })).toHaveLength(2);
    expect(system.paramsHistory('root/line/numbers').map((h) => h.changed)).toEqual([{ count: 250 }]);
  });
});
