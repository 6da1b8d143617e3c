import { describe, expect, it } from 'vitest';
import { rootOf, settle, types } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

describe('start and stop order', () => {
  it('starts children in declared order and stops them in reverse', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'counter'), worker('c', 'counter')]));
    await t.root.start();
    expect(types(t.events, 'child_started')).toEqual(['child_started root/a', 'child_started root/b', 'child_started root/c']);
    expect(t.root.status).toBe('ready');
    await t.root.stop('infinity');
    expect(types(t.events, 'subsystem_stopping')).toEqual(['subsystem_stopping root/c', 'subsystem_stopping root/b', 'subsystem_stopping root/a']);
    expect(t.root.list().map((c) => c.status)).toEqual(['stopped', 'stopped', 'stopped']);
  });

  it('sequential start waits for each child to be ready before starting the next', async () => {
    const t = rootOf(supervisor('root', [worker('slow', 'warmup'), worker('after', 'counter')], { start: 'sequential' }));
    const started = t.root.start();
    await settle();
    expect(types(t.events, 'child_started')).toEqual(['child_started root/slow']);
    t.cell('root/slow').send({ type: 'warm' });
    await started;
    expect(types(t.events, 'child_started')).toEqual(['child_started root/slow', 'child_started root/after']);
    await t.root.stop('infinity');
  });

  it('parallel start starts every child without waiting for readiness', async () => {
    const t = rootOf(supervisor('root', [worker('slow', 'warmup'), worker('after', 'counter')], { start: 'parallel' }));
    await t.root.start();
    expect(types(t.events, 'child_started')).toEqual(['child_started root/slow', 'child_started root/after']);
    expect(t.root.ready).toBe(false);
    t.cell('root/slow').send({ type: 'warm' });
    expect(t.root.ready).toBe(true);
    await t.root.stop('infinity');
  });

  it('a nested supervisor starts its subtree in order and stops it before earlier siblings', async () => {
    const t = rootOf(
      supervisor('root', [worker('a', 'counter'), supervisor('workers', [worker('x', 'counter'), worker('y', 'counter')]), worker('z', 'counter')]),
    );
    await t.root.start();
    // A supervisor's child_started opens its incarnation (so every event of its start, an exit
    // included, comes after it); start() still resolves only once its children have started.
    expect(types(t.events, 'child_started')).toEqual([
      'child_started root/a',
      'child_started root/workers',
      'child_started root/workers/x',
      'child_started root/workers/y',
      'child_started root/z',
    ]);
    await t.root.stop('infinity');
    expect(types(t.events, 'subsystem_stopping')).toEqual([
      'subsystem_stopping root/z',
      'subsystem_stopping root/workers',
      'subsystem_stopping root/workers/y',
      'subsystem_stopping root/workers/x',
      'subsystem_stopping root/a',
    ]);
  });
});
