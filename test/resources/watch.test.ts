import { describe, expect, it } from 'vitest';
import { eventStore, type ResourceWatch, type WatchEvent } from '../../src/index.js';
import { resourceSystems } from './support.js';

const start = resourceSystems();
const lab = (name: string, labels: Record<string, string> = {}, namespace = 'default') => ({ metadata: { name, namespace, labels }, spec: { image: 'ubuntu' } });

/** The next `n` events of a watch (one iterator per watch across calls). */
async function take(watch: ResourceWatch, n: number): Promise<WatchEvent[]> {
  let iterator = iterators.get(watch);
  if (!iterator) iterators.set(watch, (iterator = watch[Symbol.asyncIterator]()));
  const out: WatchEvent[] = [];
  while (out.length < n) {
    const { value, done } = await iterator.next();
    if (done) throw new Error('the watch ended');
    out.push(value);
  }
  return out;
}
const iterators = new Map<ResourceWatch, AsyncIterator<WatchEvent>>();
const brief = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion}`.replace(' @', '@'));

describe('watch', () => {
  it('starts with the current resources as ADDED and a BOOKMARK, then goes on live', async () => {
    const { api } = await start();
    const a = await api.create('LabInstance', lab('a'));
    const b = await api.create('LabInstance', lab('b'));
    const watch = await api.watch('LabInstance');
    const list = await take(watch, 3);
    expect(brief(list)).toEqual([`ADDED a@${a.metadata.resourceVersion}`, `ADDED b@${b.metadata.resourceVersion}`, `BOOKMARK@${b.metadata.resourceVersion}`]);
    const c = await api.create('LabInstance', lab('c'));
    const a2 = await api.patchStatus('LabInstance', 'default', 'a', { status: { phase: 'ready' } });
    const gone = await api.delete('LabInstance', 'default', 'b');
    expect(brief(await take(watch, 3))).toEqual([`ADDED c@${c.metadata.resourceVersion}`, `MODIFIED a@${a2.metadata.resourceVersion}`, `DELETED b@${gone.metadata.resourceVersion}`]);
    watch.close();
  });

  it('resumes from a resourceVersion with exactly what came after it, nothing delivered twice', async () => {
    const { api } = await start();
    await api.create('LabInstance', lab('a'));
    const mark = await api.create('LabInstance', lab('b'));
    const c = await api.create('LabInstance', lab('c'));
    const b2 = await api.patch('LabInstance', 'default', 'b', { spec: { image: 'debian' } });
    const watch = await api.watch('LabInstance', { resourceVersion: mark.metadata.resourceVersion });
    expect(brief(await take(watch, 2))).toEqual([`ADDED c@${c.metadata.resourceVersion}`, `MODIFIED b@${b2.metadata.resourceVersion}`]);
    const d = await api.create('LabInstance', lab('d'));
    expect(brief(await take(watch, 1))).toEqual([`ADDED d@${d.metadata.resourceVersion}`]);
    expect(watch.resourceVersion).toBe(d.metadata.resourceVersion);
    watch.close();
  });

  it('is consistent with a list: the list at its resourceVersion plus the watch from it is every change once', async () => {
    const { api } = await start();
    for (let i = 0; i < 20; i++) await api.create('LabInstance', lab(`l${i}`));
    const writers = Array.from({ length: 20 }, (_, i) => api.patchStatus('LabInstance', 'default', `l${i}`, { status: { n: i } }));
    const list = await api.list('LabInstance');
    const watch = await api.watch('LabInstance', { resourceVersion: list.metadata.resourceVersion });
    await Promise.all(writers);
    const state = new Map(list.items.map((r) => [r.metadata.name, r]));
    const listed = Number(list.metadata.resourceVersion);
    const missing = list.items.filter((r) => r.status.n === undefined).length;
    const events = await take(watch, missing);
    for (const e of events) {
      expect(Number(e.object.metadata.resourceVersion)).toBeGreaterThan(listed);
      state.set(e.object.metadata.name, e.object);
    }
    expect([...state.values()].map((r) => r.status.n).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(events.map((e) => e.object.metadata.name)).size).toBe(events.length);
    watch.close();
  });

  it('sees a resource arrive and leave a label selection as ADDED and DELETED', async () => {
    const { api } = await start();
    await api.create('LabInstance', lab('a', { env: 'dev' }));
    const watch = await api.watch('LabInstance', { labelSelector: 'env=prod' });
    expect(brief(await take(watch, 1))[0]).toMatch(/^BOOKMARK/);
    await api.create('LabInstance', lab('other', { env: 'dev' }));
    const inside = await api.patch('LabInstance', 'default', 'a', { metadata: { labels: { env: 'prod' } } });
    const modified = await api.patchStatus('LabInstance', 'default', 'a', { status: { x: 1 } });
    const outside = await api.patch('LabInstance', 'default', 'a', { metadata: { labels: { env: 'test' } } });
    expect(brief(await take(watch, 3))).toEqual([`ADDED a@${inside.metadata.resourceVersion}`, `MODIFIED a@${modified.metadata.resourceVersion}`, `DELETED a@${outside.metadata.resourceVersion}`]);
    watch.close();
  });

  it('skips other namespaces, other kinds and other streams, yet its resourceVersion moves past them', async () => {
    const { api, system } = await start({ kinds: [{ kind: 'LabInstance', plural: 'labinstances' }, { kind: 'Course', plural: 'courses' }] });
    const watch = await api.watch('LabInstance', { namespace: 'team-1' });
    await take(watch, 1);
    await api.create('LabInstance', lab('a', {}, 'team-2'));
    await api.create('Course', { metadata: { name: 'c' }, spec: {} });
    await eventStore(system).append('orders-1', [{ type: 'placed', data: {} }]);
    const mine = await api.create('LabInstance', lab('b', {}, 'team-1'));
    expect(brief(await take(watch, 1))).toEqual([`ADDED b@${mine.metadata.resourceVersion}`]);
    const { position } = await eventStore(system).append('orders-1', [{ type: 'paid', data: {} }]);
    const last = await api.create('LabInstance', lab('c', {}, 'team-1'));
    await take(watch, 1);
    expect(Number(watch.resourceVersion)).toBe(Number(last.metadata.resourceVersion));
    expect(Number(last.metadata.resourceVersion)).toBeGreaterThan(position);
    watch.close();
  });
});
