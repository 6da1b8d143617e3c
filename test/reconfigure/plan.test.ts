/**
 * planChanges(running, desired): the pure reconfiguration planner. No runtime, no time:
 * specs in, steps out, checked for each kind of change and for their apply order.
 */
import { describe, expect, it } from 'vitest';
import { deepEqual, isParamsOnly, planChanges, type PlanStep } from '../../src/reconfigure/plan.js';
import { supervisor, worker } from '../support/specs.js';

const root = (...children: Parameters<typeof supervisor>[1]) => supervisor('root', children);
const summary = (steps: PlanStep[]) => steps.map((s) => `${s.op} ${s.path}`);

describe('planChanges', () => {
  it('is a no-op for identical specs, and for equal but distinct objects (structural equality)', () => {
    const spec = root(worker('a', 'counter', { params: { n: 1, tags: ['x'] } }), supervisor('g', [worker('b', 'counter')]));
    expect(planChanges(spec, spec)).toEqual([]);
    const copy = root(worker('a', 'counter', { params: { tags: ['x'], n: 1 } }), supervisor('g', [worker('b', 'counter')]));
    expect(planChanges(spec, copy)).toEqual([]);
  });

  it('adds new children in desired order, with their position', () => {
    const steps = planChanges(root(worker('a', 'counter')), root(worker('x', 'counter'), worker('a', 'counter'), worker('y', 'counter')));
    expect(steps).toMatchObject([
      { op: 'add', supervisor: 'root', path: 'root/x', id: 'x', index: 0, spec: { id: 'x' } },
      { op: 'add', supervisor: 'root', path: 'root/y', id: 'y', index: 2 },
    ]);
  });

  it('removes children in reverse start order', () => {
    const steps = planChanges(root(worker('a', 'counter'), worker('b', 'counter'), worker('c', 'counter')), root(worker('b', 'counter')));
    expect(summary(steps)).toEqual(['remove root/c', 'remove root/a']);
  });

  it('restarts a worker whose params, restart type or behaviour changed, naming the fields', () => {
    const running = root(worker('p', 'counter', { params: { n: 1 } }), worker('r', 'counter'), worker('b', 'counter'), worker('same', 'counter'));
    const desired = root(
      worker('p', 'counter', { params: { n: 2 } }),
      worker('r', 'counter', { restart: 'transient' }),
      worker('b', 'recorder'),
      worker('same', 'counter'),
    );
    const steps = planChanges(running, desired);
    expect(steps).toMatchObject([
      { op: 'restart', path: 'root/p', fields: ['params'], spec: { params: { n: 2 } } },
      { op: 'restart', path: 'root/r', fields: ['restart'] },
      { op: 'restart', path: 'root/b', fields: ['behaviour'] },
    ]);
    expect(steps.map(isParamsOnly)).toEqual([true, false, false]);
  });

  it('reports a reorder of kept children, but not a mere insertion', () => {
    const running = root(worker('a', 'counter'), worker('b', 'counter'));
    expect(planChanges(running, root(worker('b', 'counter'), worker('a', 'counter')))).toEqual([
      { op: 'reorder', supervisor: 'root', path: 'root', order: ['b', 'a'] },
    ]);
    expect(summary(planChanges(running, root(worker('a', 'counter'), worker('n', 'counter'), worker('b', 'counter'))))).toEqual(['add root/n']);
  });

  it('changes supervisor settings in place: strategy, intensity, backoff, start', () => {
    const running = root(supervisor('g', [worker('a', 'counter')]));
    const backoff = { initialMs: 10, maxMs: 100, factor: 2, jitter: 0, resetAfterMs: 1000 };
    const desired = supervisor('root', [supervisor('g', [worker('a', 'counter')], { strategy: 'one_for_all', backoff, start: 'parallel' })], {
      intensity: { maxRestarts: 9, periodMs: 1000 },
    });
    expect(planChanges(running, desired)).toMatchObject([
      { op: 'update_settings', supervisor: 'root/g', path: 'root/g', changed: ['strategy', 'start', 'backoff'], settings: { strategy: 'one_for_all', start: 'parallel', backoff } },
      { op: 'update_settings', supervisor: 'root', path: 'root', changed: ['intensity'], settings: { intensity: { maxRestarts: 9, periodMs: 1000 } } },
    ]);
  });

  it('changes autoShutdown in place, and restarts a child whose significant flag changed', () => {
    const running = root(supervisor('g', [worker('a', 'counter', { restart: 'transient' })]));
    const desired = root(supervisor('g', [worker('a', 'counter', { restart: 'transient', significant: true })], { autoShutdown: 'any_significant' }));
    expect(planChanges(running, desired)).toMatchObject([
      { op: 'restart', path: 'root/g/a', fields: ['significant'] },
      { op: 'update_settings', path: 'root/g', changed: ['autoShutdown'], settings: { autoShutdown: 'any_significant' } },
    ]);
  });

  it('restarts the workers of an edited module: file (changedLogic), however deep, and only those; never as a live params update', () => {
    const edited = 'module:/x/idle.js#idle';
    const running = root(worker('a', edited), supervisor('g', [worker('b', edited), worker('c', 'counter')]), worker('d', edited, { params: { n: 1 } }));
    const desired = root(worker('a', edited), supervisor('g', [worker('b', edited), worker('c', 'counter')]), worker('d', edited, { params: { n: 2 } }));
    const plan = planChanges(running, desired, 'root', new Set([edited]));
    expect(summary(plan)).toEqual(['restart root/a', 'restart root/g/b', 'restart root/d']);
    expect(plan.map((s) => (s.op === 'restart' ? s.fields : []))).toEqual([['module'], ['module'], ['params', 'module']]);
    expect(plan.some(isParamsOnly)).toBe(false);
    expect(planChanges(running, running, 'root', new Set(['counter-v2']))).toEqual([]);
  });

  it('recurses into a nested supervisor whose own child-spec fields did not change', () => {
    const running = root(worker('a', 'counter'), supervisor('g', [worker('x', 'counter'), supervisor('h', [worker('y', 'counter')])]));
    const desired = root(worker('a', 'counter'), supervisor('g', [supervisor('h', [worker('y', 'counter', { params: { v: 1 } }), worker('z', 'counter')])]));
    expect(summary(planChanges(running, desired))).toEqual(['remove root/g/x', 'restart root/g/h/y', 'add root/g/h/z']);
    const steps = planChanges(running, desired);
    expect(steps[0]).toMatchObject({ supervisor: 'root/g', id: 'x' });
    expect(steps[2]).toMatchObject({ supervisor: 'root/g/h', index: 1 });
  });

  it('restarts a nested supervisor whose restart, shutdown or readiness changed, with its subtree', () => {
    const running = root(supervisor('g', [worker('x', 'counter')]));
    const desired = root(supervisor('g', [worker('x', 'counter', { params: { v: 1 } })], { restart: 'transient' }));
    expect(planChanges(running, desired)).toMatchObject([{ op: 'restart', path: 'root/g', fields: ['children', 'restart'] }]);
  });

  it('restarts a child that turned from worker into supervisor', () => {
    const steps = planChanges(root(worker('a', 'counter')), root(supervisor('a', [worker('b', 'counter')])));
    expect(steps).toMatchObject([{ op: 'restart', path: 'root/a', spec: { kind: 'supervisor' } }]);
  });

  it('orders the whole plan: removals, restarts, adds, reorders, settings', () => {
    const running = root(worker('a', 'counter'), worker('b', 'counter'), worker('c', 'counter'), worker('old', 'counter'));
    const desired = supervisor('root', [worker('new', 'counter'), worker('c', 'counter'), worker('b', 'counter', { params: { v: 1 } }), worker('a', 'counter')], {
      strategy: 'rest_for_one',
    });
    expect(summary(planChanges(running, desired))).toEqual(['remove root/old', 'restart root/b', 'add root/new', 'reorder root', 'update_settings root']);
  });
});

describe('deepEqual', () => {
  it('compares plain data by value; an undefined key counts as absent', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(deepEqual({ a: null }, { a: {} })).toBe(false);
    expect(deepEqual(1, '1')).toBe(false);
  });
});
