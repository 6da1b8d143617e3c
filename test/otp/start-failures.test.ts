/**
 * OTP supervisor_SUITE, starting: supervisors and children that start, children that fail to
 * start (failed_to_start_child), invalid supervisor flags and child specs, spec defaults, and
 * Overseer's own start rules (readiness-gated sequential start, crashes handled by strategy).
 */
import { describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import {
  advance,
  baseBehaviours,
  boot,
  bootFailure,
  causes,
  childAt,
  childrenOf,
  counts,
  events,
  exitsOf,
  flush,
  isActive,
  paths,
  rejection,
  since,
  startGate,
  startsOf,
  sup,
  systemDoc,
  terminate,
  useOtpHarness,
  w,
} from './support.js';

useOtpHarness();

const messages = (error: unknown) => causes(error).map((e) => e.message);

function startSpec(children: unknown[], root: Record<string, unknown> = {}) {
  return startSystem({ spec: systemDoc(children, root), behaviours: baseBehaviours, admin: false, env: {} });
}

describe('OTP sup_start', () => {
  it('sup_start_normal: a supervisor without children starts, lists none, and stops cleanly', async () => {
    const system = await boot([sup('sup', [])]);
    expect(isActive(await childAt(system, 'root/sup'))).toBe(true);
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
    await system.terminateChild('root/sup');
    expect(exitsOf(system, 'root/sup')).toEqual(['shutdown']);
  });

  it('sup_start_child_returns_error: a child that crashes while starting is refused with start failed and its error, and is not kept', async () => {
    const system = await boot([sup('sup', [])]);
    const error = await rejection(() => system.startChild('root/sup', { id: 'child1', behaviour: 'crashOnStart' }));
    expect(error.code).toBe('OVERSEER_ERR_START_FAILED');
    expect(error.name).toBe('ChildStartError');
    expect(messages(error.cause)).toContain('cannot start');
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
    expect(events(system, 'child_restarting')).toEqual([]);
    // Nothing of it is left behind: the id is free.
    await expect(system.startChild('root/sup', w('child1'))).resolves.toMatchObject({ path: 'root/sup/child1' });
  });

  it('sup_start_child_returns_error (supervisor child): a nested supervisor that gives up while starting is refused and not kept', async () => {
    const system = await boot([sup('sup', [], { maxRestarts: 10 })]);
    const nested = sup('child1', [{ id: 'bad', behaviour: 'crashOnStart' }], { maxRestarts: 1 });
    const error = await rejection(() => system.startChild('root/sup', nested));
    expect(error.code).toBe('OVERSEER_ERR_START_FAILED');
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    expect(events(system, 'child_restarting').filter((e) => e.path === 'root/sup/child1')).toEqual([]);
  });

  it('sup_start_restart_child_returns_error: restart_child of a child that now fails to start fails; the child stays, not running', async () => {
    const { gate, logic } = startGate();
    const system = await boot([sup('sup', [w('child1', { behaviour: 'gate' })])], { behaviours: { gate: logic } });
    await system.terminateChild('root/sup/child1');
    gate.fail = true;
    const error = await rejection(() => system.restartChild('root/sup/child1'));
    expect(error.code).toBe('OVERSEER_ERR_START_FAILED');
    expect(messages(error.cause)).toContain('start refused');
    await advance(10_000);
    expect(gate.starts).toBe(2); // refused once, not retried by the supervisor
    const child = await childAt(system, 'root/sup/child1');
    expect(child).toMatchObject({ id: 'child1', type: 'worker' });
    expect(isActive(child)).toBe(false);
  });

  it('faulty_application_shutdown: a system whose child cannot start fails to start, passing the child\'s error on', async () => {
    // Deviation from OTP: OTP fails at the first failed_to_start_child; Overseer restarts the child
    // by its strategy first, and the start fails once the root's intensity gives up.
    const error = await bootFailure([{ id: 'app', behaviour: 'crashOnStart' }], { root: { intensity: { maxRestarts: 2, periodMs: 5000 } } });
    expect((error as { code?: unknown }).code).toEqual(expect.stringMatching(/^OVERSEER_ERR_/));
    expect(messages(error)).toContain('cannot start');
  });

  it('faulty_application_shutdown (nested): a system whose sub-supervisor cannot start its child fails to start', async () => {
    const error = await bootFailure([sup('app', [{ id: 'server', behaviour: 'crashOnStart' }], { maxRestarts: 1 })], {
      root: { intensity: { maxRestarts: 1, periodMs: 5000 } },
    });
    expect((error as { code?: unknown }).code).toEqual(expect.stringMatching(/^OVERSEER_ERR_/));
  });

  it('sup_start_normal (Deviation from OTP: crash during start): a child crashing in a sequential start is restarted by the strategy; the start goes on', async () => {
    // Deviation from OTP: OTP's init would fail with {shutdown, {failed_to_start_child, flaky, Reason}}.
    const { gate, logic } = startGate();
    gate.failNext = 1;
    const system = await boot([sup('sup', [w('child1'), w('flaky', { behaviour: 'gate' }), w('child3')], { start: 'sequential' })], {
      behaviours: { gate: logic },
    });
    expect(exitsOf(system, 'root/sup/flaky')).toEqual(['error']);
    expect(gate.starts).toBe(2);
    expect((await childrenOf(system, 'root/sup')).map((c) => [c.id, isActive(c)])).toEqual([
      ['child1', true],
      ['flaky', true],
      ['child3', true],
    ]);
    expect(startsOf(system, 'root/sup/child1')).toBe(1);
    expect(startsOf(system, 'root/sup/child3')).toBe(1);
  });

  it('order_of_children (Deviation from OTP: readiness-gated start): a sequential start waits for each child to be ready before starting the next', async () => {
    // Deviation from OTP: OTP starts the next child once init/1 returns; Overseer waits for readiness.
    const system = await boot([]);
    let done = false;
    void system.startChild('root', sup('sup', [w('slow', { behaviour: 'warmup' }), w('after')], { start: 'sequential' })).then(() => (done = true));
    await flush();
    const started = () => paths(since(system, undefined, 'child_started')).filter((p) => p.startsWith('root/sup/'));
    expect(started()).toEqual(['root/sup/slow']);
    expect(done).toBe(false);
    system.send('root/sup/slow', { type: 'warm' });
    await flush();
    expect(started()).toEqual(['root/sup/slow', 'root/sup/after']);
    expect(done).toBe(true);
  });

  it('sup_start_map: a child spec without restart is permanent', async () => {
    const system = await boot([sup('sup', [{ id: 'child1', behaviour: 'worker' }])]);
    await terminate(system, 'root/sup/child1', 'normal');
    expect(startsOf(system, 'root/sup/child1')).toBe(2);
    expect(isActive(await childAt(system, 'root/sup/child1'))).toBe(true);
  });
});

describe('OTP sup_flags and child specs', () => {
  it('sup_flags: an unknown strategy, a non-numeric intensity and a zero or infinite period are refused before anything starts', async () => {
    const bad = [
      { strategy: 'none_for_one' },
      { intensity: { maxRestarts: 'infinity', periodMs: 3600 } },
      { intensity: { maxRestarts: 2, periodMs: 0 } },
      { intensity: { maxRestarts: 2, periodMs: 'infinity' } },
    ];
    for (const flags of bad) {
      expect((await rejection(() => startSpec([{ id: 'sup', children: [], ...flags }]))).code).toBe('OVERSEER_ERR_CONFIG');
      expect((await rejection(() => startSpec([], flags))).code).toBe('OVERSEER_ERR_CONFIG');
    }
  });

  it('sup_flags (Deviation from OTP: unknown flags are errors): a supervisor with an unexpected flag is refused', async () => {
    // Deviation from OTP: OTP ignores unexpected supervisor flags; Overseer's config rejects unknown keys.
    expect((await rejection(() => startSpec([{ id: 'sup', children: [], silly_flag: true }]))).code).toBe('OVERSEER_ERR_CONFIG');
  });

  it('child_specs: start_child refuses a bad restart type, a negative shutdown, a missing id or start, and duplicates in a spec', async () => {
    const system = await boot([sup('sup', [])]);
    const bad = [
      { id: 'child', behaviour: 'worker', restart: 'prmanent' },
      { id: 'child', behaviour: 'worker', shutdown: -10 },
      { behaviour: 'worker' },
      { id: 'child' },
      { id: 'child', children: [w('same'), w('same')] },
    ];
    for (const spec of bad) expect((await rejection(() => system.startChild('root/sup', spec))).code).toBe('OVERSEER_ERR_CONFIG');
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    expect((await rejection(() => startSpec([w('child'), w('child')]))).code).toBe('OVERSEER_ERR_CONFIG');
  });

  it('child_specs: every restart type, shutdown and child type combination is accepted', async () => {
    const system = await boot([sup('sup', [])]);
    let n = 0;
    for (const restart of ['permanent', 'transient', 'temporary']) {
      for (const shutdown of [0, 1000, 'infinity', 'brutal_kill']) {
        await system.startChild('root/sup', w(`w${n++}`, { restart, shutdown }));
        await system.startChild('root/sup', { id: `s${n++}`, restart, shutdown, children: [] });
      }
    }
    expect(await counts(system, 'root/sup')).toEqual([24, 24, 12, 12]);
  });

  it('sup_start_map_faulty_specs (Deviation from OTP: unknown keys are errors): a spec without id, without start, or with an unknown key is refused', async () => {
    // Deviation from OTP: OTP accepts a child spec with an unknown key (silly_flag); Overseer refuses it.
    for (const child of [{ behaviour: 'worker' }, { id: 'child2' }, { id: 'child3', behaviour: 'worker', silly_flag: true }]) {
      expect((await rejection(() => startSpec([sup('sup', [child])]))).code).toBe('OVERSEER_ERR_CONFIG');
    }
  });
});
