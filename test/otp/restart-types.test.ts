/**
 * OTP supervisor_SUITE, restart types: permanent / transient / temporary children ending
 * normal, with shutdown, abnormally or killed; and which child specs a supervisor keeps.
 *
 * Cases of supervisor_SUITE.erl not ported (nothing in Overseer maps onto them):
 * - `ignore` from a child's start: sup_start_ignore_init, sup_start_ignore_child,
 *   sup_start_ignore_temporary_child, sup_start_ignore_temporary_child_start_child
 * - simple_one_for_one: sup_start_ignore_temporary_child_start_child_simple,
 *   sup_start_ignore_permanent_child_start_child_simple, sup_start_child_returns_error_simple,
 *   sup_start_map_simple, child_adm_simple, simple_one_for_one, simple_one_for_one_shutdown,
 *   simple_one_for_one_extra, simple_one_for_one_escalation, simple_one_for_one_corruption,
 *   simple_one_for_one_restart_ignore, simple_one_for_one_scale_many_temporary_children,
 *   sup_stop_timeout_dynamic, sup_stop_brutal_kill_dynamic, sup_stop_non_shutdown_exit_dynamic,
 *   hanging_restart_loop_simple, which_children_simple_one_for_one
 *   (count_children and count_children_supervisor are ported onto one_for_one dynamic children)
 * - hot code upgrade: code_change, code_change_map, code_change_simple, code_change_simple_map
 * - significant children / auto_shutdown: nonsignificant_*, significant_* (not in the API)
 * - links, registered and global names: child_unlink, already_started_outside_supervisor,
 *   the {global, Name} part of simple_global_supervisor (its kill/exit/restart parts are ported)
 * - supervisor init callbacks and OTP internals: sup_start_error_return, sup_start_fail,
 *   get_callback_module, the hibernation checks in child_adm, format_log_1, format_log_2,
 *   external_start_no_progress_log, get_childspec / which_child lookups
 * - memory and timing measurements: do_not_save_start_parameters_for_temporary_children,
 *   scale_start_stop_many_children
 * - exit reasons carrying a term ({shutdown, Term}) and `{ok, Pid, Info}` start results
 *   (extra_return is ported for what it checks besides Info; child_specs_map's checks are in child_specs)
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
  isActive,
  REASON_OF,
  rejection,
  startsOf,
  sup,
  terminate,
  useOtpHarness,
  w,
  type How,
} from './support.js';

useOtpHarness();

const P = 'root/sup/child1';

type Restart = 'permanent' | 'transient' | 'temporary';
type Outcome = 'restarted' | 'kept' | 'deleted';

// [OTP case, what it checks, restart type, how the child ends, what the supervisor does]
const matrix: [string, string, Restart, Exclude<How, 'supervisor'>, Outcome][] = [
  ['permanent_normal', 'a permanent child that exits normal is restarted', 'permanent', 'normal', 'restarted'],
  ['permanent_shutdown', 'a permanent child that exits with shutdown is restarted', 'permanent', 'shutdown', 'restarted'],
  ['permanent_abnormal', 'a permanent child that crashes is restarted', 'permanent', 'abnormal', 'restarted'],
  ['permanent_abnormal (kill)', 'a permanent child that is killed is restarted', 'permanent', 'kill', 'restarted'],
  ['transient_normal', 'a transient child that exits normal is not restarted; its spec stays', 'transient', 'normal', 'kept'],
  ['transient_shutdown', 'a transient child that exits with shutdown is not restarted; its spec stays', 'transient', 'shutdown', 'kept'],
  ['transient_abnormal', 'a transient child that crashes is restarted', 'transient', 'abnormal', 'restarted'],
  ['transient_abnormal (kill)', 'a transient child that is killed is restarted', 'transient', 'kill', 'restarted'],
  ['temporary_normal', 'a temporary child that exits normal is not restarted and is forgotten', 'temporary', 'normal', 'deleted'],
  ['temporary_shutdown', 'a temporary child that exits with shutdown is not restarted and is forgotten', 'temporary', 'shutdown', 'deleted'],
  ['temporary_abnormal', 'a temporary child that crashes is not restarted and is forgotten', 'temporary', 'abnormal', 'deleted'],
  ['temporary_abnormal (kill)', 'a temporary child that is killed is not restarted and is forgotten', 'temporary', 'kill', 'deleted'],
];

describe('OTP restart types × exit reasons', () => {
  it.each(matrix)('%s: %s', async (_case, _what, restart, how, outcome) => {
    const system = await boot([sup('sup', [])]);
    const first = await system.startChild('root/sup', w('child1', { restart }));
    expect(first.path).toBe(P);

    await terminate(system, P, how);

    expect(exitsOf(system, P)).toEqual([REASON_OF[how]]);
    const child = await childAt(system, P);
    if (outcome === 'restarted') {
      expect(startsOf(system, P)).toBe(2);
      expect(isActive(child)).toBe(true);
      expect(child!.instance).not.toBe(first.instance);
      expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
    } else if (outcome === 'kept') {
      expect(startsOf(system, P)).toBe(1);
      expect(child).toMatchObject({ id: 'child1', type: 'worker', status: how === 'normal' ? 'completed' : 'stopped' });
      expect(await counts(system, 'root/sup')).toEqual([1, 0, 0, 1]);
    } else {
      expect(startsOf(system, P)).toBe(1);
      expect(await childrenOf(system, 'root/sup')).toEqual([]);
      expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
    }
  });

  it('transient_shutdown: restart_child starts a transient child that exited with shutdown again', async () => {
    const system = await boot([sup('sup', [])]);
    const first = await system.startChild('root/sup', w('child1', { restart: 'transient' }));
    await terminate(system, P, 'shutdown');
    const again = await system.restartChild(P);
    expect(again.instance).toBeTruthy();
    expect(again.instance).not.toBe(first.instance);
    expect(await childAt(system, P)).toMatchObject({ instance: again.instance });
    expect(isActive(await childAt(system, P))).toBe(true);
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
    await terminate(system, P, 'shutdown');
    expect(exitsOf(system, P)).toEqual(['shutdown', 'shutdown']);
    expect((await childAt(system, P))?.status).toBe('stopped');
    expect(await counts(system, 'root/sup')).toEqual([1, 0, 0, 1]);
  });

  it('temporary_shutdown: a temporary child that exited can be started again with start_child', async () => {
    const system = await boot([sup('sup', [])]);
    await system.startChild('root/sup', w('child1', { restart: 'temporary' }));
    await terminate(system, P, 'shutdown');
    expect(await childrenOf(system, 'root/sup')).toEqual([]);
    await system.startChild('root/sup', w('child1', { restart: 'temporary' }));
    expect(await counts(system, 'root/sup')).toEqual([1, 1, 0, 1]);
    await terminate(system, P, 'shutdown');
    expect(await counts(system, 'root/sup')).toEqual([0, 0, 0, 0]);
  });

  it('permanent_abnormal (Deviation from OTP: mailbox kept): messages sent while the child waits to restart reach its next instance', async () => {
    // Deviation from OTP: a message sent to a dead pid is lost; Overseer keeps the mailbox across restarts.
    const system = await boot([sup('sup', [w('child1')], { backoff: { initialMs: 500, maxMs: 500, jitter: 0 }, maxRestarts: 5 })]);
    system.send(P, { type: 'inc' });
    system.send(P, { type: 'crash' });
    await flush();
    expect((await childAt(system, P))?.status).toBe('backoff');
    system.send(P, { type: 'inc' });
    system.send(P, { type: 'inc' });
    await advance(500);
    expect(isActive(await childAt(system, P))).toBe(true);
    // The count restarted from 0 (fresh state), then took the two messages that waited.
    await expect(system.ask(P, { type: 'get' }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'count', count: 2 });
  });
});

const strategies = ['one_for_all', 'one_for_one', 'rest_for_one'] as const;
const hows: How[] = ['kill', 'normal', 'abnormal', 'supervisor'];

describe('OTP do_not_save_child_specs_for_temporary_children', () => {
  const cases = strategies.flatMap((strategy) => hows.map((how) => [strategy, how] as const));

  it.each(cases)(
    'do_not_save_child_specs_for_temporary_children (%s, %s): permanent and transient specs are kept, temporary ones are not',
    async (strategy, how) => {
      const system = await boot([sup('sup', [], { strategy, maxRestarts: 2 })]);

      // Permanent: restarted by the supervisor unless terminated through the API; the spec stays either way.
      const permanent = w('child1', { restart: 'permanent' });
      await system.startChild('root/sup', permanent);
      await terminate(system, 'root/sup/child1', how);
      if (how === 'supervisor') {
        expect((await rejection(() => system.startChild('root/sup', permanent))).code).toBe('OVERSEER_ERR_ALREADY_PRESENT');
        await system.restartChild('root/sup/child1');
      } else {
        expect((await rejection(() => system.startChild('root/sup', permanent))).code).toBe('OVERSEER_ERR_ALREADY_STARTED');
      }

      // Transient: not restarted after a normal exit or terminate_child, but its spec stays.
      const transient = w('child2', { restart: 'transient' });
      await system.startChild('root/sup', transient);
      await terminate(system, 'root/sup/child2', how);
      if (how === 'supervisor' || how === 'normal') {
        expect((await rejection(() => system.startChild('root/sup', transient))).code).toBe('OVERSEER_ERR_ALREADY_PRESENT');
        await system.restartChild('root/sup/child2');
      } else {
        expect((await rejection(() => system.startChild('root/sup', transient))).code).toBe('OVERSEER_ERR_ALREADY_STARTED');
      }

      // Temporary: gone once it ended, however it ended; the same id starts afresh.
      const temporary = w('child3', { restart: 'temporary' });
      await system.startChild('root/sup', temporary);
      await terminate(system, 'root/sup/child3', how);
      expect((await childrenOf(system, 'root/sup')).map((c) => c.id)).toEqual(['child1', 'child2']);
      await expect(system.startChild('root/sup', temporary)).resolves.toMatchObject({ path: 'root/sup/child3' });
      expect(await counts(system, 'root/sup')).toEqual([3, 3, 0, 3]);
    },
  );
});
