/**
 * OTP supervisor_SUITE, supervision trees: nested supervisors restarted as a whole (their
 * static children again, their dynamic children not), and killing a supervisor or a worker
 * deep in a tree (the kill / exit / restart parts of simple_global_supervisor).
 */
import { describe, expect, it } from 'vitest';
import {
  boot,
  childAt,
  childrenOf,
  counts,
  exitsOf,
  instanceOf,
  isActive,
  settle,
  startGate,
  startsOf,
  sup,
  terminate,
  useOtpHarness,
  w,
} from './support.js';

useOtpHarness();

describe('OTP tree', () => {
  it('tree: only the failed worker restarts; a sub-supervisor giving up restarts the one_for_all tree, its terminated part too', async () => {
    const { gate, logic } = startGate();
    const system = await boot([sup('top', [], { strategy: 'one_for_all', maxRestarts: 4 })], { behaviours: { gate: logic } });
    await system.startChild('root/top', sup('supchild1', [w('child1'), w('child2')], { maxRestarts: 4 }));
    await system.startChild('root/top', sup('supchild2', [], { maxRestarts: 4 }));
    await system.startChild('root/top', sup('supchild3', [], { maxRestarts: 4, restart: 'transient' }));
    await system.terminateChild('root/top/supchild3');
    expect(await counts(system, 'root/top')).toEqual([3, 2, 3, 0]);
    expect(await counts(system, 'root/top/supchild1')).toEqual([2, 2, 0, 2]);
    expect(await counts(system, 'root/top/supchild2')).toEqual([0, 0, 0, 0]);

    // Dynamic children of supchild2.
    await system.startChild('root/top/supchild2', w('child3', { behaviour: 'gate' }));
    await system.startChild('root/top/supchild2', w('child4'));
    expect(await counts(system, 'root/top/supchild2')).toEqual([2, 2, 0, 2]);

    // Only the worker that dies is restarted.
    const sup1Kids = (await childrenOf(system, 'root/top/supchild1')).map((c) => c.instance);
    const child3 = await instanceOf(system, 'root/top/supchild2/child3');
    const child4 = await instanceOf(system, 'root/top/supchild2/child4');
    await terminate(system, 'root/top/supchild2/child4', 'abnormal');
    expect((await childrenOf(system, 'root/top/supchild1')).map((c) => c.instance)).toEqual(sup1Kids);
    expect(await instanceOf(system, 'root/top/supchild2/child3')).toBe(child3);
    expect(await instanceOf(system, 'root/top/supchild2/child4')).not.toBe(child4);
    expect(await counts(system, 'root/top/supchild2')).toEqual([2, 2, 0, 2]);

    // child3 cannot come back: supchild2 gives up (reason shutdown), and the one_for_all top
    // restarts all three sub-supervisors, supchild3 too, though it had been terminated.
    gate.fail = true;
    await terminate(system, 'root/top/supchild2/child3', 'abnormal');
    expect(exitsOf(system, 'root/top/supchild2')).toEqual(['shutdown']);
    expect((await childrenOf(system, 'root/top')).map((c) => [c.id, isActive(c)])).toEqual([
      ['supchild1', true],
      ['supchild2', true],
      ['supchild3', true],
    ]);
    expect(await counts(system, 'root/top')).toEqual([3, 3, 3, 0]);
    expect((await childrenOf(system, 'root/top/supchild1')).map((c) => c.id)).toEqual(['child1', 'child2']);
    expect((await childrenOf(system, 'root/top/supchild1')).map((c) => c.instance)).not.toEqual(sup1Kids);
    expect(await counts(system, 'root/top/supchild1')).toEqual([2, 2, 0, 2]);
    expect(await childrenOf(system, 'root/top/supchild2')).toEqual([]); // dynamic children are not restored
    expect(await counts(system, 'root/top/supchild3')).toEqual([0, 0, 0, 0]);
  });

  it('tree: a transient sub-supervisor made to exit with shutdown stops its children and is not restarted', async () => {
    const system = await boot([sup('top', [sup('sub', [w('child1'), w('child2')], { restart: 'transient' })])]);
    await system.kill('root/top/sub', 'shutdown');
    await settle();
    expect(exitsOf(system, 'root/top/sub')).toEqual(['shutdown']);
    expect(exitsOf(system, 'root/top/sub/child1')).toEqual(['shutdown']);
    expect(exitsOf(system, 'root/top/sub/child2')).toEqual(['shutdown']);
    expect(startsOf(system, 'root/top/sub')).toBe(1);
    expect(await counts(system, 'root/top')).toEqual([1, 0, 1, 0]);
  });
});

describe('OTP simple_global_supervisor (without global names)', () => {
  const flags = { strategy: 'one_for_all', maxRestarts: 3, periodMs: 60_000 };
  const tree = () => [sup('top', [sup('middle', [w('child', { shutdown: 2000 })], { ...flags, shutdown: 2000 })], flags)];
  const M = 'root/top/middle';
  const S = 'root/top/middle/child';

  it('simple_global_supervisor (kill_supervisor): a killed supervisor is restarted by its parent, with a fresh worker', async () => {
    const system = await boot(tree());
    const [middle, server] = [await instanceOf(system, M), await instanceOf(system, S)];
    await system.kill(M, 'kill');
    await settle();
    const after = await childAt(system, M);
    expect(isActive(after)).toBe(true);
    expect(after!.instance).not.toBe(middle);
    expect(isActive(await childAt(system, S))).toBe(true);
    expect(await instanceOf(system, S)).not.toBe(server);
  });

  it('simple_global_supervisor (kill_worker): a killed worker is restarted; its supervisor stays', async () => {
    const system = await boot(tree());
    const [middle, server] = [await instanceOf(system, M), await instanceOf(system, S)];
    await terminate(system, S, 'kill');
    expect(await instanceOf(system, M)).toBe(middle);
    expect(isActive(await childAt(system, S))).toBe(true);
    expect(await instanceOf(system, S)).not.toBe(server);
  });

  it('simple_global_supervisor (exit_worker): a permanent worker that exits normal is restarted', async () => {
    const system = await boot(tree());
    const server = await instanceOf(system, S);
    await terminate(system, S, 'normal');
    expect(isActive(await childAt(system, S))).toBe(true);
    expect(await instanceOf(system, S)).not.toBe(server);
  });

  it('simple_global_supervisor (restart_worker): terminate_child then restart_child gives a fresh worker', async () => {
    const system = await boot(tree());
    const server = await instanceOf(system, S);
    await system.terminateChild(S);
    const restarted = await system.restartChild(S);
    expect(restarted.instance).not.toBe(server);
    expect(isActive(await childAt(system, S))).toBe(true);
  });
});
