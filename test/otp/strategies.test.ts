/**
 * OTP supervisor_SUITE, restart strategies: one_for_one, one_for_all and rest_for_one, which
 * siblings each restarts (terminated and normally-exited ones included, temporary ones never),
 * in which order, and what happens when a sibling fails to come back.
 */
import { describe, expect, it } from 'vitest';
import {
  advance,
  boot,
  childAt,
  childrenOf,
  counts,
  exitsOf,
  flush,
  instanceOf,
  isActive,
  mark,
  paths,
  since,
  startGate,
  startsOf,
  sup,
  terminate,
  useOtpHarness,
  w,
} from './support.js';

useOtpHarness();

const C1 = 'root/sup/child1';
const C2 = 'root/sup/child2';
const C3 = 'root/sup/child3';

async function instances(system: Awaited<ReturnType<typeof boot>>, ...ps: string[]) {
  return Promise.all(ps.map((p) => instanceOf(system, p)));
}

describe('OTP one_for_one', () => {
  it('one_for_one: only the child that crashed is restarted', async () => {
    const system = await boot([sup('sup', [])]);
    await system.startChild('root/sup', w('child1'));
    const second = await system.startChild('root/sup', w('child2'));
    const before = await instanceOf(system, C1);
    await terminate(system, C1, 'abnormal');
    expect(await instanceOf(system, C1)).not.toBe(before);
    expect(await instanceOf(system, C2)).toBe(second.instance);
    expect(exitsOf(system, C2)).toEqual([]);
    expect(await counts(system, 'root/sup')).toEqual([2, 2, 0, 2]);
  });
});

describe('OTP one_for_all', () => {
  it('one_for_all: a crash restarts every child, the others stopped with shutdown first', async () => {
    const system = await boot([sup('sup', [], { strategy: 'one_for_all' })]);
    await system.startChild('root/sup', w('child1'));
    await system.startChild('root/sup', w('child2'));
    const before = await instances(system, C1, C2);
    await terminate(system, C1, 'abnormal');
    expect(exitsOf(system, C2)).toEqual(['shutdown']);
    const after = await instances(system, C1, C2);
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect((await childrenOf(system, 'root/sup')).every(isActive)).toBe(true);
    expect(await counts(system, 'root/sup')).toEqual([2, 2, 0, 2]);
  });

  it('one_for_all: a sibling stopped with terminate_child is started again with the others', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2')], { strategy: 'one_for_all' })]);
    await system.terminateChild(C2);
    expect(isActive(await childAt(system, C2))).toBe(false);
    await terminate(system, C1, 'abnormal');
    // OTP's start_children starts every child spec the supervisor holds, terminated ones included.
    expect(isActive(await childAt(system, C2))).toBe(true);
    expect(await counts(system, 'root/sup')).toEqual([2, 2, 0, 2]);
  });

  it('one_for_all: a transient sibling that exited normally is started again with the others', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2', { restart: 'transient' })], { strategy: 'one_for_all' })]);
    await terminate(system, C2, 'normal');
    expect((await childAt(system, C2))?.status).toBe('completed');
    await terminate(system, C1, 'abnormal');
    expect(isActive(await childAt(system, C2))).toBe(true);
    expect(startsOf(system, C2)).toBe(2);
  });

  it('one_for_all_other_child_fails_restart: a restarted child is stopped again when a sibling fails to start, then all start', async () => {
    const { gate, logic } = startGate();
    const system = await boot([sup('sup', [w('child1'), w('child2', { behaviour: 'gate' })], { strategy: 'one_for_all', maxRestarts: 3 })], {
      behaviours: { gate: logic },
    });
    gate.failNext = 1; // child2's next start fails
    await terminate(system, C1, 'abnormal');
    // child1 came back, child2 failed to, so child1 was terminated and everything started once more.
    expect(exitsOf(system, C1)).toEqual(['error', 'shutdown']);
    expect(startsOf(system, C1)).toBe(3);
    expect(gate.starts).toBe(3);
    expect(isActive(await childAt(system, C1))).toBe(true);
    expect(isActive(await childAt(system, C2))).toBe(true);
  });

  it('temporary_bystander (one_for_all): a temporary sibling stopped by the restart is not restarted, so the supervisor survives', async () => {
    const system = await boot([sup('sup', [], { strategy: 'one_for_all', maxRestarts: 2, periodMs: 300 })]);
    await system.startChild('root/sup', w('child1', { shutdown: 100 }));
    await system.startChild('root/sup', w('child2', { restart: 'temporary', shutdown: 100 }));
    await terminate(system, C1, 'normal');
    await advance(350);
    expect(isActive(await childAt(system, 'root/sup'))).toBe(true);
    expect((await childrenOf(system, 'root/sup')).map((c) => c.id)).toEqual(['child1']);
    expect(isActive(await childAt(system, C1))).toBe(true);
    expect(startsOf(system, C2)).toBe(1);
  });
});

describe('OTP rest_for_one', () => {
  it('rest_for_one: the crashed child and the ones started after it are restarted, earlier ones are not', async () => {
    const system = await boot([sup('sup', [], { strategy: 'rest_for_one' })]);
    for (const id of ['child1', 'child2', 'child3']) await system.startChild('root/sup', w(id));
    expect(await counts(system, 'root/sup')).toEqual([3, 3, 0, 3]);
    const before = await instances(system, C1, C2, C3);
    await terminate(system, C2, 'abnormal');
    expect(exitsOf(system, C3)).toEqual(['shutdown']);
    expect(exitsOf(system, C1)).toEqual([]);
    const after = await instances(system, C1, C2, C3);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(await counts(system, 'root/sup')).toEqual([3, 3, 0, 3]);
  });

  it('rest_for_one: a later sibling stopped with terminate_child is started again; an earlier one stays stopped', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2'), w('child3')], { strategy: 'rest_for_one' })]);
    await system.terminateChild(C1);
    await system.terminateChild(C3);
    await terminate(system, C2, 'abnormal');
    expect(isActive(await childAt(system, C3))).toBe(true);
    expect((await childAt(system, C1))?.status).toBe('stopped');
    expect(await counts(system, 'root/sup')).toEqual([3, 2, 0, 3]);
  });

  it('rest_for_one: a later transient sibling that exited normally is started again', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2'), w('child3', { restart: 'transient' })], { strategy: 'rest_for_one' })]);
    await terminate(system, C3, 'normal');
    expect((await childAt(system, C3))?.status).toBe('completed');
    await terminate(system, C2, 'abnormal');
    expect(isActive(await childAt(system, C3))).toBe(true);
    expect(startsOf(system, C3)).toBe(2);
  });

  it('rest_for_one_other_child_fails_restart: when a later child fails to start, only it is restarted again', async () => {
    const { gate, logic } = startGate();
    const system = await boot([sup('sup', [w('child1'), w('child2', { behaviour: 'gate' })], { strategy: 'rest_for_one', maxRestarts: 3 })], {
      behaviours: { gate: logic },
    });
    gate.failNext = 1;
    await terminate(system, C1, 'abnormal');
    // child1 is not started a third time: the failure of child2 only concerns child2 and what follows it.
    expect(exitsOf(system, C1)).toEqual(['error']);
    expect(startsOf(system, C1)).toBe(2);
    expect(gate.starts).toBe(3);
    expect(isActive(await childAt(system, C1))).toBe(true);
    expect(isActive(await childAt(system, C2))).toBe(true);
  });

  it('temporary_bystander (rest_for_one): a temporary child after the crashed one is not restarted, so the supervisor survives', async () => {
    const system = await boot([sup('sup', [], { strategy: 'rest_for_one', maxRestarts: 2, periodMs: 300 })]);
    await system.startChild('root/sup', w('child1', { shutdown: 100 }));
    await system.startChild('root/sup', w('child2', { restart: 'temporary', shutdown: 100 }));
    await terminate(system, C1, 'normal');
    await advance(350);
    expect(isActive(await childAt(system, 'root/sup'))).toBe(true);
    expect((await childrenOf(system, 'root/sup')).map((c) => c.id)).toEqual(['child1']);
  });

  it('order_of_children: children start in the order given; a rest_for_one restart stops the later ones newest first and starts them in order', async () => {
    const ids = ['ch7', 'ch3', 'ch10', 'ch2', 'ch5']; // not in alphabetical order on purpose
    const system = await boot([sup('sup', ids.map((id) => w(id)), { strategy: 'rest_for_one' })]);
    const under = (list: Record<string, unknown>[]) => paths(list).filter((p) => p.startsWith('root/sup/'));
    expect(under(since(system, undefined, 'child_started'))).toEqual(ids.map((id) => `root/sup/${id}`));
    const kept = await instances(system, 'root/sup/ch7', 'root/sup/ch3');

    const at = mark(system);
    await terminate(system, 'root/sup/ch10', 'abnormal');
    expect(under(since(system, at, 'child_exited'))).toEqual(['root/sup/ch10', 'root/sup/ch5', 'root/sup/ch2']);
    expect(under(since(system, at, 'child_started'))).toEqual(['root/sup/ch10', 'root/sup/ch2', 'root/sup/ch5']);
    expect(await instances(system, 'root/sup/ch7', 'root/sup/ch3')).toEqual(kept);
    await flush();
    expect((await childrenOf(system, 'root/sup')).every(isActive)).toBe(true);
  });
});
