import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/spec/types.js';
import { rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

async function crashB(strategy: Strategy) {
  const t = rootOf(supervisor('root', ['a', 'b', 'c'].map((id) => worker(id, 'counter')), { strategy }));
  await t.root.start();
  const before = Object.fromEntries(['a', 'b', 'c'].map((id) => [id, t.cell(`root/${id}`).instance]));
  t.cell('root/b').send({ type: 'crash' });
  await settle(50);
  const changed = ['a', 'b', 'c'].filter((id) => t.cell(`root/${id}`).instance !== before[id]);
  const statuses = ['a', 'b', 'c'].map((id) => t.cell(`root/${id}`).status);
  await t.root.stop('infinity');
  return { changed, statuses, t };
}

describe('strategies applied to running children', () => {
  it('one_for_one leaves the siblings\' instances untouched', async () => {
    const { changed, statuses } = await crashB('one_for_one');
    expect(changed).toEqual(['b']);
    expect(statuses).toEqual(['ready', 'ready', 'ready']);
  });

  it('one_for_all restarts all children, stopping the others in reverse order first', async () => {
    const { changed, statuses, t } = await crashB('one_for_all');
    expect(changed).toEqual(['a', 'b', 'c']);
    expect(statuses).toEqual(['ready', 'ready', 'ready']);
    const stopping = t.events.filter((e) => e.type === 'subsystem_stopping').slice(0, 2).map((e) => e.data.system);
    expect(stopping).toEqual(['root/c', 'root/a']);
  });

  it('rest_for_one restarts the failed child and every child started after it', async () => {
    const { changed, statuses } = await crashB('rest_for_one');
    expect(changed).toEqual(['b', 'c']);
    expect(statuses).toEqual(['ready', 'ready', 'ready']);
  });

  it('a restarted child starts from its initial state with the same params', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter', { params: { hello: 1 } })]));
    await t.root.start();
    const w = t.cell('root/w');
    w.send({ type: 'inc' });
    w.send({ type: 'inc' });
    expect((w.ref!.getSnapshot() as { context: { count: number } }).context.count).toBe(2);
    w.send({ type: 'crash' });
    await settle();
    expect((w.ref!.getSnapshot() as { context: { count: number } }).context.count).toBe(0);
    await t.root.stop('infinity');
  });
});
