import { describe, expect, it } from 'vitest';
import { defineController, type Resource } from '../../src/index.js';
import { resourceSystems, settle, until } from './support.js';

const start = resourceSystems();
const lab = (name: string) => ({ metadata: { name }, spec: { image: 'ubuntu' } });

describe('controller: a crash mid-reconcile', () => {
  it('restarts under its supervisor, lists again so nothing is missed, and never reconciles one key twice at once', async () => {
    const running = new Set<string>();
    let overlap = 0;
    let holdA: (() => void) | undefined;
    const seen: { name: string; generation: number; instance: string }[] = [];
    const reconcile = async (r: Resource) => {
      const name = r.metadata.name;
      if (running.has(name)) overlap++;
      running.add(name);
      seen.push({ name, generation: r.metadata.generation, instance: instanceOf() });
      // The first reconcile of `a` hangs until the test lets it go: it is running when the actor dies.
      if (name === 'a' && holdA === undefined) await new Promise<void>((resolve) => (holdA = resolve));
      await settle(2);
      running.delete(name);
    };
    const { api, system } = await start({
      children: [{ id: 'labs', behaviour: 'labs', params: { kind: 'LabInstance', maxConcurrentReconciles: 4, resyncPeriodMs: 0 } }],
      behaviours: { labs: defineController({ reconcile }) },
    });
    const instanceOf = () => system.status().children!.find((c) => c.id === 'labs')!.instance ?? '';
    const first = instanceOf();
    await api.create('LabInstance', lab('a'));
    await api.create('LabInstance', lab('b'));
    await until(() => holdA !== undefined && seen.some((s) => s.name === 'b'));

    system.kill('root/labs', 'crash drill');
    await until(() => instanceOf() !== first && system.status().children!.find((c) => c.id === 'labs')!.ready);
    // While it was down, or since: changes it must not miss.
    await api.patch('LabInstance', 'default', 'b', { spec: { image: 'debian' } });
    await api.create('LabInstance', lab('c'));
    const restarted = instanceOf();
    await until(() => seen.some((s) => s.instance === restarted && s.name === 'b' && s.generation === 2) && seen.some((s) => s.instance === restarted && s.name === 'c'));
    // `a` is still held by the dead incarnation's reconcile: the new one waits for it.
    await settle(50);
    expect(seen.filter((s) => s.name === 'a')).toHaveLength(1);
    holdA!();
    await until(() => seen.filter((s) => s.name === 'a').length === 2);
    expect(seen.filter((s) => s.name === 'a').map((s) => s.instance)).toEqual([first, restarted]);
    await until(() => running.size === 0);
    expect(overlap).toBe(0);
    expect(system.status().children!.find((c) => c.id === 'labs')!.restarts).toBe(1);
  });
});
