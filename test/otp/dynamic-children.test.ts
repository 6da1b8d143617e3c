/**
 * OTP supervisor_SUITE, child administration: start_child, terminate_child, restart_child,
 * delete_child, which_children and count_children, their errors (already_started,
 * already_present, running, restarting, not_found), and children waiting to restart.
 */
import { describe, expect, it } from 'vitest';
import {
  advance,
  boot,
  childAt,
  childrenOf,
  counts,
  events,
  exitsOf,
  isActive,
  rejection,
  startGate,
  startsOf,
  sup,
  terminate,
  useOtpHarness,
  w,
} from './support.js';

useOtpHarness();

const C1 = 'root/sup/child1';
const child1 = w('child1');

describe('OTP child_adm', () => {
  it('child_adm: which_children and count_children describe a running static child', async () => {
    const system = await boot([sup('sup', [child1])]);
    const [child] = await childrenOf(system, 'root/sup');
    expect(child).toMatchObject({ id: 'child1', path: C1, type: 'worker', instance: expect.any(String) });
    expect(isActive(child)).toBe(true);
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
  });

  it('child_adm: start_child with the id of a running child fails with already_started', async () => {
    const system = await boot([sup('sup', [child1])]);
    const before = (await childAt(system, C1))?.instance;
    expect((await rejection(() => system.startChild('root/sup', child1))).code).toBe('OVERSEER_ERR_ALREADY_STARTED');
    expect(await childrenOf(system, 'root/sup')).toHaveLength(1);
    expect((await childAt(system, C1))?.instance).toBe(before);
  });

  it('child_adm: terminate_child stops the child with reason shutdown and keeps its spec; terminating it again succeeds', async () => {
    const system = await boot([sup('sup', [child1])]);
    await system.terminateChild(C1);
    expect(exitsOf(system, C1)).toEqual(['shutdown']);
    expect(await childAt(system, C1)).toMatchObject({ id: 'child1', type: 'worker', status: 'stopped' });
    expect(await counts(system, 'root/sup')).toEqual([1, 0, 0, 1]);
    await expect(system.terminateChild(C1)).resolves.toBeUndefined();
    expect(startsOf(system, C1)).toBe(1); // a terminated permanent child is not restarted
  });

  it('child_adm: start_child with the id of a terminated child fails with already_present', async () => {
    const system = await boot([sup('sup', [child1])]);
    await system.terminateChild(C1);
    expect((await rejection(() => system.startChild('root/sup', child1))).code).toBe('OVERSEER_ERR_ALREADY_PRESENT');
    expect((await childAt(system, C1))?.status).toBe('stopped');
  });

  it('child_adm: restart_child starts a terminated child again; on a running child it fails with running', async () => {
    const system = await boot([sup('sup', [child1])]);
    await system.terminateChild(C1);
    const restarted = await system.restartChild(C1);
    expect(restarted.path).toBe(C1);
    expect(await childAt(system, C1)).toMatchObject({ instance: restarted.instance });
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
    expect((await rejection(() => system.restartChild(C1))).code).toBe('OVERSEER_ERR_CHILD_RUNNING');
    expect((await childAt(system, C1))?.instance).toBe(restarted.instance); // left running as it was
  });

  it('child_adm: delete_child refuses a running child and removes a terminated one', async () => {
    const system = await boot([sup('sup', [child1])]);
    expect((await rejection(() => system.deleteChild(C1))).code).toBe('OVERSEER_ERR_CHILD_RUNNING');
    expect(isActive(await childAt(system, C1))).toBe(true);
    await system.terminateChild(C1);
    await system.deleteChild(C1);
    expect(events(system, 'child_deleted')).toMatchObject([{ path: C1 }]);
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
    expect((await rejection(() => system.restartChild(C1))).code).toBe('OVERSEER_ERR_UNKNOWN_ACTOR');
  });

  it('child_adm: start_child after delete_child starts the id afresh', async () => {
    const system = await boot([sup('sup', [child1])]);
    await system.terminateChild(C1);
    await system.deleteChild(C1);
    const started = await system.startChild('root/sup', child1);
    expect(await childrenOf(system, 'root/sup')).toMatchObject([{ id: 'child1', instance: started.instance }]);
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
  });

  it('child_adm: terminate_child, restart_child and delete_child of an unknown id fail with not_found', async () => {
    const system = await boot([sup('sup', [child1])]);
    for (const op of [() => system.terminateChild('root/sup/hej'), () => system.restartChild('root/sup/hej'), () => system.deleteChild('root/sup/hej')]) {
      expect((await rejection(op)).code).toBe('OVERSEER_ERR_UNKNOWN_ACTOR');
    }
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
  });

  it('child_adm: calls naming a supervisor that does not exist fail (noproc)', async () => {
    const system = await boot([sup('sup', [child1])]);
    const ops = [
      () => system.startChild('root/foo', child1),
      () => system.terminateChild('root/foo/child1'),
      () => system.deleteChild('root/foo/child1'),
      () => system.children('root/foo'),
      () => system.countChildren('root/foo'),
    ];
    for (const op of ops) expect((await rejection(op)).code).toBe('OVERSEER_ERR_UNKNOWN_ACTOR');
  });
});

describe('OTP extra_return', () => {
  it('extra_return: start_child and restart_child answer with the new instance, as which_children shows it', async () => {
    const system = await boot([sup('sup', [])]);
    const started = await system.startChild('root/sup', child1);
    expect(started).toMatchObject({ path: C1, instance: expect.any(String) });
    expect(await childAt(system, C1)).toMatchObject({ instance: started.instance });
    await system.terminateChild(C1);
    const restarted = await system.restartChild(C1);
    expect(restarted.instance).not.toBe(started.instance);
    expect(await childAt(system, C1)).toMatchObject({ instance: restarted.instance });
  });

  it('extra_return: a child added with start_child is restarted automatically after a crash', async () => {
    const system = await boot([sup('sup', [])]);
    const started = await system.startChild('root/sup', child1);
    await terminate(system, C1, 'abnormal');
    const child = await childAt(system, C1);
    expect(isActive(child)).toBe(true);
    expect(child!.instance).not.toBe(started.instance);
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
  });
});

describe('OTP which_children and count_children', () => {
  it('which_children: lists every child in start order with its type and status; terminated ones stay until deleted', async () => {
    const system = await boot([sup('sup', [])]);
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    await system.startChild('root/sup', child1);
    await system.startChild('root/sup', { id: 'child2', children: [] });
    // Deviation from OTP: which_children lists the newest child first; Overseer lists start order.
    expect((await childrenOf(system, 'root/sup')).map((c) => [c.id, c.type])).toEqual([
      ['child1', 'worker'],
      ['child2', 'supervisor'],
    ]);
    await system.terminateChild(C1);
    expect((await childrenOf(system, 'root/sup')).map((c) => [c.id, isActive(c)])).toEqual([
      ['child1', false],
      ['child2', true],
    ]);
    await system.deleteChild(C1);
    expect((await childrenOf(system, 'root/sup')).map((c) => c.id)).toEqual(['child2']);
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 1, 0]);
  });

  it('count_children: many temporary workers are all counted, and none once they are killed', async () => {
    const system = await boot([sup('sup', [])]);
    const n = 40;
    for (let i = 0; i < n; i++) await system.startChild('root/sup', w(`child-${i}`, { restart: 'temporary' }));
    expect(await childrenOf(system, 'root/sup')).toHaveLength(n);
    expect(await counts(system, 'root/sup')).toEqual([n, n, 0, n]);
    expect(await counts(system, 'root/sup')).toEqual([n, n, 0, n]); // asking changes nothing
    for (let i = 0; i < n; i++) await terminate(system, `root/sup/child-${i}`, 'kill');
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
  });

  it('count_children_supervisor: temporary supervisor children count as supervisors, and none once they are killed', async () => {
    const system = await boot([sup('sup', [], { maxRestarts: 100 })]);
    const n = 20;
    for (let i = 0; i < n; i++) await system.startChild('root/sup', { id: `child-${i}`, restart: 'temporary', children: [] });
    expect(await counts(system, 'root/sup')).toEqual([n, n, n, 0]);
    for (let i = 0; i < n; i++) await terminate(system, `root/sup/child-${i}`, 'kill');
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
  });

  it('count_restarting_children (Deviation from OTP: backoff): children waiting to restart count as specs but not as active', async () => {
    // Deviation from OTP: OTP children are "restarting" only while their restart keeps failing; Overseer's wait is its backoff.
    const system = await boot([sup('sup', [w('child1'), w('child2'), w('child3')], { maxRestarts: 20, backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } })]);
    expect(await counts(system, 'root/sup')).toEqual([3, 3, 0, 3]);
    await terminate(system, 'root/sup/child1', 'abnormal');
    await terminate(system, 'root/sup/child2', 'abnormal');
    expect((await childrenOf(system, 'root/sup')).map((c) => c.status)).toEqual(['backoff', 'backoff', expect.stringMatching(/^(running|ready)$/)]);
    expect(await counts(system, 'root/sup')).toEqual([3, 1, 0, 3]);
    await advance(1000);
    expect(await counts(system, 'root/sup')).toEqual([3, 3, 0, 3]);
  });
});

describe('OTP hanging_restart_loop', () => {
  // Deviation from OTP: the retry loop waits in Overseer's backoff between attempts (OTP retries at once).
  const backoff = { initialMs: 1000, maxMs: 1000, jitter: 0 };

  async function looping() {
    const { gate, logic } = startGate();
    const children = [w('child1', { behaviour: 'gate', shutdown: 'brutal_kill' })];
    const system = await boot([sup('sup', children, { maxRestarts: 100, periodMs: 10_000, backoff })], { behaviours: { gate: logic } });
    gate.fail = true; // from now on every start fails: a restart loop
    return { system, gate };
  }

  it('hanging_restart_loop: a child in a restart loop is restarting: start_child says already_present, restart_child and delete_child say restarting', async () => {
    const { system, gate } = await looping();
    await terminate(system, C1, 'abnormal');
    await advance(1000); // one more failed attempt
    expect(gate.starts).toBe(2);
    expect(await childAt(system, C1)).toMatchObject({ id: 'child1', type: 'worker', status: 'backoff' });
    expect(await counts(system, 'root/sup')).toEqual([1, 0, 0, 1]);
    const spec = w('child1', { behaviour: 'gate', shutdown: 'brutal_kill' });
    expect((await rejection(() => system.startChild('root/sup', spec))).code).toBe('OVERSEER_ERR_ALREADY_PRESENT');
    expect((await rejection(() => system.restartChild(C1))).code).toBe('OVERSEER_ERR_CHILD_RESTARTING');
    expect((await rejection(() => system.deleteChild(C1))).code).toBe('OVERSEER_ERR_CHILD_RESTARTING');
  });

  it('hanging_restart_loop: terminate_child ends the loop; restart_child then starts the child once it can start', async () => {
    const { system, gate } = await looping();
    await terminate(system, C1, 'abnormal');
    await system.terminateChild(C1);
    expect((await childAt(system, C1))?.status).toBe('stopped');
    const attempts = gate.starts;
    await advance(5000);
    expect(gate.starts).toBe(attempts); // no attempt after terminate_child
    gate.fail = false;
    await system.restartChild(C1);
    expect(isActive(await childAt(system, C1))).toBe(true);
  });

  it('hanging_restart_loop: a supervisor whose child is in a restart loop can still be stopped', async () => {
    const { system, gate } = await looping();
    await terminate(system, C1, 'abnormal');
    await system.terminateChild('root/sup');
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
    const attempts = gate.starts;
    await advance(5000);
    expect(gate.starts).toBe(attempts);
    expect(isActive(await childAt(system, 'root/sup'))).toBe(false);
  });

  it('hanging_restart_loop_rest_for_one: the looping child is restarting, the ones after it are not running, the ones before are untouched', async () => {
    const child2 = w('child2', { behaviour: 'gate', shutdown: 'brutal_kill' });
    const { gate, logic } = startGate();
    const system = await boot(
      [
        sup('sup', [w('child1', { shutdown: 'brutal_kill' }), child2, w('child3', { shutdown: 'brutal_kill' })], {
          strategy: 'rest_for_one',
          maxRestarts: 100,
          periodMs: 10_000,
          backoff,
        }),
      ],
      { behaviours: { gate: logic } },
    );
    const first = (await childAt(system, C1))?.instance;
    gate.fail = true;
    await terminate(system, 'root/sup/child2', 'abnormal');
    await advance(1000);
    const [c1, c2, c3] = await childrenOf(system, 'root/sup');
    expect(c1).toMatchObject({ id: 'child1', instance: first });
    expect(isActive(c1)).toBe(true);
    expect(c2).toMatchObject({ id: 'child2', status: 'backoff' });
    expect(isActive(c3)).toBe(false);
    expect(await counts(system, 'root/sup')).toEqual([3, 1, 0, 3]);
    expect((await rejection(() => system.startChild('root/sup', child2))).code).toBe('OVERSEER_ERR_ALREADY_PRESENT');
    expect((await rejection(() => system.restartChild('root/sup/child2'))).code).toBe('OVERSEER_ERR_CHILD_RESTARTING');
    expect((await rejection(() => system.deleteChild('root/sup/child2'))).code).toBe('OVERSEER_ERR_CHILD_RESTARTING');

    await system.terminateChild('root/sup/child2');
    await advance(5000);
    const after = await childrenOf(system, 'root/sup');
    expect(after.map((c) => [c.id, isActive(c)])).toEqual([
      ['child1', true],
      ['child2', false],
      ['child3', false],
    ]);
    expect(after[0]!.instance).toBe(first);
    gate.fail = false;
    await system.restartChild('root/sup/child2');
    expect(isActive(await childAt(system, 'root/sup/child2'))).toBe(true);
  });
});
