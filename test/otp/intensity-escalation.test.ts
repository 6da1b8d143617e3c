/**
 * OTP supervisor_SUITE, restart intensity and escalation: a supervisor that restarts more
 * than maxRestarts times within periodMs stops its children and exits with reason
 * `shutdown`; its parent then applies that entry's restart type (permanent: restarted,
 * transient: not, temporary: forgotten), up to the root, whose giving up stops the system.
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
  startGate,
  startsOf,
  sup,
  terminate,
  useOtpHarness,
  w,
  type OtpSystem,
} from './support.js';

useOtpHarness();

const C1 = 'root/sup/child1';
const C2 = 'root/sup/child2';
const C3 = 'root/sup/child3';

function gaveUp(system: OtpSystem, supervisor = 'root/sup') {
  return events(system, 'restart_intensity_exceeded').filter((e) => e.supervisor === supervisor);
}

describe('OTP restart intensity', () => {
  it('one_for_one: a third restart within the period exceeds intensity 2 and the supervisor exits with shutdown', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2')], { maxRestarts: 2, periodMs: 3_600_000 })]);
    await terminate(system, C1, 'abnormal');
    await terminate(system, C2, 'abnormal');
    expect(gaveUp(system)).toEqual([]);
    await terminate(system, C1, 'abnormal');
    const [exceeded] = gaveUp(system);
    expect(exceeded).toMatchObject({ supervisor: 'root/sup', child: C1, maxRestarts: 2, periodMs: 3_600_000, restarts: 3 });
    // The survivor was stopped by its supervisor, which then exited with reason shutdown.
    expect(exitsOf(system, C2)).toEqual(['error', 'shutdown']);
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('one_for_all: a third restart within the period exceeds intensity 2 and the supervisor exits', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2')], { strategy: 'one_for_all', maxRestarts: 2 })]);
    await terminate(system, C1, 'abnormal');
    await terminate(system, C2, 'abnormal');
    expect(gaveUp(system)).toEqual([]);
    await terminate(system, C1, 'abnormal');
    expect(gaveUp(system)).toHaveLength(1);
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('rest_for_one: a third restart within the period exceeds intensity 2 and the supervisor exits', async () => {
    const system = await boot([sup('sup', [w('child1'), w('child2'), w('child3')], { strategy: 'rest_for_one', maxRestarts: 2 })]);
    await terminate(system, C2, 'abnormal');
    await terminate(system, C3, 'abnormal');
    expect(gaveUp(system)).toEqual([]);
    await terminate(system, C2, 'abnormal');
    expect(gaveUp(system)).toHaveLength(1);
    expect(exitsOf(system, C1)).toEqual(['shutdown']); // even the untouched first child is stopped on giving up
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('multiple_restarts: restarts spread wider than the period never reach the limit', async () => {
    const system = await boot([sup('sup', [], { maxRestarts: 1, periodMs: 1000 })]);
    await system.startChild('root/sup', w('child1', { shutdown: 'brutal_kill' }));
    await terminate(system, C1, 'abnormal');
    for (let i = 0; i < 3; i++) {
      await advance(2100);
      await terminate(system, C1, 'abnormal');
    }
    expect(gaveUp(system)).toEqual([]);
    expect(startsOf(system, C1)).toBe(5);
    await system.terminateChild(C1);
    await system.deleteChild(C1);
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
  });
});

describe('OTP escalation', () => {
  async function failingChild(restart: string) {
    const { gate, logic } = startGate();
    const system = await boot([sup('sup', [], { maxRestarts: 4, restart })], { behaviours: { gate: logic } });
    await system.startChild('root/sup', w('child1', { behaviour: 'gate' }));
    await system.startChild('root/sup', w('child2'));
    gate.fail = true; // like supervisor_1 started with [error]: every start after the first fails
    await terminate(system, C1, 'abnormal');
    return { system, gate };
  }

  it('one_for_one_escalation: a child that keeps failing to restart makes its supervisor stop the others and exit', async () => {
    const { system, gate } = await failingChild('transient');
    expect(gate.starts).toBe(5); // the first start, then four failed restarts; the fifth crash exceeds intensity
    expect(gaveUp(system)).toHaveLength(1);
    expect(exitsOf(system, C2)).toEqual(['shutdown']);
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('one_for_one_escalation (transient entry): a supervisor that gave up exits with shutdown, so a transient entry is not restarted', async () => {
    const { system } = await failingChild('transient');
    await advance(1000);
    expect(startsOf(system, 'root/sup')).toBe(1);
    expect(events(system, 'child_restarting').filter((e) => e.path === 'root/sup')).toEqual([]);
    expect(isActive(await childAt(system, 'root/sup'))).toBe(false);
    expect(await counts(system, 'root')).toEqual([2, 1, 1, 1]); // control plane + the stopped supervisor
  });

  it('tree (permanent entry): a supervisor that gave up is restarted by its parent, without its dynamic children', async () => {
    const { system } = await failingChild('permanent');
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
    expect(startsOf(system, 'root/sup')).toBe(2);
    expect(isActive(await childAt(system, 'root/sup'))).toBe(true);
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
  });

  it('one_for_one_escalation (temporary entry): a temporary supervisor that gave up is forgotten by its parent', async () => {
    const { system } = await failingChild('temporary');
    expect(startsOf(system, 'root/sup')).toBe(1);
    expect((await childrenOf(system, 'root')).map((c) => c.id)).toEqual(['control-plane']);
    expect(await counts(system, 'root')).toEqual([1, 1, 0, 1]);
  });

  it('one_for_all_escalation: a sibling that fails every restart makes a one_for_all supervisor give up', async () => {
    const { gate, logic } = startGate();
    const system = await boot([sup('sup', [], { strategy: 'one_for_all', maxRestarts: 4, restart: 'transient' })], { behaviours: { gate: logic } });
    await system.startChild('root/sup', w('child1'));
    await system.startChild('root/sup', w('child2', { behaviour: 'gate' }));
    gate.fail = true;
    await terminate(system, C1, 'abnormal');
    expect(gaveUp(system)).toHaveLength(1);
    expect(exitsOf(system, C1).at(-1)).toBe('shutdown');
    expect(isActive(await childAt(system, C1))).toBe(false);
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('rest_for_one_escalation: a later child that fails every restart makes a rest_for_one supervisor give up', async () => {
    const { gate, logic } = startGate();
    const system = await boot([sup('sup', [], { strategy: 'rest_for_one', maxRestarts: 4, restart: 'transient' })], { behaviours: { gate: logic } });
    await system.startChild('root/sup', w('child1'));
    await system.startChild('root/sup', w('child2', { behaviour: 'gate' }));
    gate.fail = true;
    await terminate(system, C1, 'abnormal');
    expect(gaveUp(system)).toHaveLength(1);
    expect(isActive(await childAt(system, C1))).toBe(false);
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('one_for_one_escalation (root): when the root exceeds its own intensity the system stops as failed', async () => {
    const system = await boot([sup('sup', [w('child1')], { maxRestarts: 0 })], { root: { intensity: { maxRestarts: 1, periodMs: 60_000 } } });
    await terminate(system, C1, 'abnormal'); // root/sup gives up; the root restarts it (1 of 1)
    expect(startsOf(system, 'root/sup')).toBe(2);
    await terminate(system, C1, 'abnormal'); // root/sup gives up again; now the root gives up
    expect(events(system, 'restart_intensity_exceeded').map((e) => e.supervisor)).toEqual(['root/sup', 'root/sup', 'root']);
    await advance(60_000);
    await expect(system.stopped).resolves.toMatchObject({ reason: 'failed' });
  });
});
