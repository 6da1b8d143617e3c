import { describe, expect, it } from 'vitest';
import { eventStore, InvalidResourceError, ResourceConflictError, ResourceExistsError, ResourceNotFoundError } from '../../src/index.js';
import { resourceSystems, startResourceSystem } from './support.js';

const start = resourceSystems();
const lab = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, ...extra }, spec: { image: 'ubuntu' } });

describe('resources: versions and generation', () => {
  it('creates with generation 1, a fresh uid, the clock time, and the store position as resourceVersion', async () => {
    const { api, system, clock } = await start();
    const created = await api.create('LabInstance', lab('lab-1', { labels: { team: 'a' } }));
    const [event] = (await eventStore(system).read('res:LabInstance:default:lab-1')).events;
    expect(created).toMatchObject({ apiVersion: 'overseer/v1', kind: 'LabInstance', spec: { image: 'ubuntu' }, status: {} });
    expect(created.metadata).toMatchObject({ namespace: 'default', name: 'lab-1', generation: 1, labels: { team: 'a' }, finalizers: [], creationTimestamp: new Date(clock.now()).toISOString() });
    expect(created.metadata.resourceVersion).toBe(String(event!.position));
    expect(event!.type).toBe('resource_created');
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await api.get('labinstances', 'default', 'lab-1')).toEqual(created);
  });

  it('bumps generation on spec changes only; resourceVersion moves on every change', async () => {
    const { api } = await start();
    const v1 = await api.create('LabInstance', lab('lab-1'));
    const v2 = await api.patchStatus('LabInstance', 'default', 'lab-1', { status: { phase: 'pending' } });
    expect(v2.metadata.generation).toBe(1);
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    const v3 = await api.patch('LabInstance', 'default', 'lab-1', { metadata: { labels: { env: 'dev' } } });
    expect(v3.metadata.generation).toBe(1);
    expect(v3.status).toEqual({ phase: 'pending' });
    const v4 = await api.patch('LabInstance', 'default', 'lab-1', { spec: { image: 'debian' } });
    expect(v4.metadata.generation).toBe(2);
    expect(v4.metadata.labels).toEqual({ env: 'dev' });
    expect(Number(v4.metadata.resourceVersion)).toBeGreaterThan(Number(v3.metadata.resourceVersion));
    // A PUT of the main resource leaves status to the subresource.
    const v5 = await api.update('LabInstance', { ...lab('lab-1'), status: { phase: 'hacked' }, spec: { image: 'alpine' } });
    expect(v5.status).toEqual({ phase: 'pending' });
    expect(v5.metadata.generation).toBe(3);
  });

  it('writes nothing for a write that changes nothing', async () => {
    const { api, system } = await start();
    const v1 = await api.create('LabInstance', lab('lab-1'));
    const same = await api.update('LabInstance', { ...lab('lab-1'), metadata: { ...v1.metadata } });
    const sameStatus = await api.patchStatus('LabInstance', 'default', 'lab-1', { status: {} });
    expect(same.metadata.resourceVersion).toBe(v1.metadata.resourceVersion);
    expect(sameStatus.metadata.resourceVersion).toBe(v1.metadata.resourceVersion);
    expect((await eventStore(system).read('res:LabInstance:default:lab-1')).version).toBe(0);
  });
});

describe('resources: conflicts', () => {
  it('refuses a stale resourceVersion with expected and actual, and writes nothing', async () => {
    const { api } = await start();
    const v1 = await api.create('LabInstance', lab('lab-1'));
    const v2 = await api.patch('LabInstance', 'default', 'lab-1', { spec: { image: 'debian' } });
    const stale = api.update('LabInstance', { metadata: { name: 'lab-1', resourceVersion: v1.metadata.resourceVersion }, spec: { image: 'alpine' } });
    await expect(stale).rejects.toBeInstanceOf(ResourceConflictError);
    await expect(stale).rejects.toMatchObject({ expected: v1.metadata.resourceVersion, actual: v2.metadata.resourceVersion });
    await expect(api.patchStatus('LabInstance', 'default', 'lab-1', { metadata: { resourceVersion: v1.metadata.resourceVersion }, status: { phase: 'x' } })).rejects.toBeInstanceOf(ResourceConflictError);
    await expect(api.delete('LabInstance', 'default', 'lab-1', { resourceVersion: v1.metadata.resourceVersion })).rejects.toBeInstanceOf(ResourceConflictError);
    expect((await api.get('LabInstance', 'default', 'lab-1')).spec).toEqual({ image: 'debian' });
  });

  it('serializes concurrent writes to one resource: with the same resourceVersion exactly one wins', async () => {
    const { api } = await start();
    const v1 = await api.create('LabInstance', lab('lab-1'));
    const writes = ['a', 'b', 'c', 'd'].map((image) => api.update('LabInstance', { metadata: { name: 'lab-1', resourceVersion: v1.metadata.resourceVersion }, spec: { image } }));
    const results = await Promise.allSettled(writes);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ResourceConflictError)).toHaveLength(3);
  });

  it('refuses creating a resource that exists, and writes to one that does not', async () => {
    const { api } = await start();
    await api.create('LabInstance', lab('lab-1'));
    await expect(api.create('LabInstance', lab('lab-1'))).rejects.toBeInstanceOf(ResourceExistsError);
    await expect(api.patch('LabInstance', 'default', 'nope', { spec: {} })).rejects.toBeInstanceOf(ResourceNotFoundError);
    await expect(api.delete('LabInstance', 'default', 'nope')).rejects.toBeInstanceOf(ResourceNotFoundError);
  });
});

describe('resources: finalizers and deletion', () => {
  it('deletes at once without finalizers', async () => {
    const { api, system } = await start();
    await api.create('LabInstance', lab('lab-1'));
    const gone = await api.delete('LabInstance', 'default', 'lab-1');
    expect(gone.metadata.deletionTimestamp).toBeDefined();
    await expect(api.get('LabInstance', 'default', 'lab-1')).rejects.toBeInstanceOf(ResourceNotFoundError);
    const { events } = await eventStore(system).read('res:LabInstance:default:lab-1');
    expect(events.map((e) => e.type)).toEqual(['resource_created', 'resource_deleted']);
  });

  it('keeps a resource with finalizers until the last is removed; none can be added meanwhile', async () => {
    const { api, clock } = await start();
    await api.create('LabInstance', lab('lab-1', { finalizers: ['example.com/a', 'example.com/b'] }));
    await clock.advance(1000);
    const deleting = await api.delete('LabInstance', 'default', 'lab-1');
    expect(deleting.metadata.deletionTimestamp).toBe(new Date(clock.now()).toISOString());
    expect(deleting.metadata.generation).toBe(2);
    expect((await api.delete('LabInstance', 'default', 'lab-1')).metadata.resourceVersion).toBe(deleting.metadata.resourceVersion);
    await expect(api.patch('LabInstance', 'default', 'lab-1', { metadata: { finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } })).rejects.toBeInstanceOf(InvalidResourceError);
    const one = await api.patch('LabInstance', 'default', 'lab-1', { metadata: { finalizers: ['example.com/b'] } });
    expect(one.metadata.finalizers).toEqual(['example.com/b']);
    await api.patch('LabInstance', 'default', 'lab-1', { metadata: { finalizers: [] } });
    await expect(api.get('LabInstance', 'default', 'lab-1')).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it('creates a resource again under a deleted name, with a new uid; a PUT carrying the old uid is refused', async () => {
    const { api } = await start();
    const first = await api.create('LabInstance', lab('lab-1'));
    await api.delete('LabInstance', 'default', 'lab-1');
    const second = await api.create('LabInstance', lab('lab-1'));
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    await expect(api.update('LabInstance', { metadata: { name: 'lab-1', uid: first.metadata.uid }, spec: { image: 'x' } })).rejects.toMatchObject({ pointer: '/metadata/uid' });
  });
});

describe('resources: label selectors and namespaces', () => {
  it('lists by equality and set-based selectors, per namespace, in name order', async () => {
    const { api } = await start();
    await api.create('LabInstance', lab('c', { labels: { env: 'prod', tier: 'web' } }));
    await api.create('LabInstance', lab('a', { labels: { env: 'dev' } }));
    await api.create('LabInstance', lab('b', { labels: { env: 'prod', gpu: 'true' } }));
    await api.create('LabInstance', lab('a', { namespace: 'team-2', labels: { env: 'prod' } }));
    const names = async (labelSelector?: string, namespace?: string) => (await api.list('LabInstance', { labelSelector, namespace })).items.map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
    expect(await names()).toEqual(['default/a', 'default/b', 'default/c', 'team-2/a']);
    expect(await names('env=prod')).toEqual(['default/b', 'default/c', 'team-2/a']);
    expect(await names('env==prod,tier!=web')).toEqual(['default/b', 'team-2/a']);
    expect(await names('env in (dev, staging)')).toEqual(['default/a']);
    expect(await names('env notin (prod)')).toEqual(['default/a']);
    expect(await names('gpu')).toEqual(['default/b']);
    expect(await names('!gpu,env=prod')).toEqual(['default/c', 'team-2/a']);
    expect(await names('env=prod', 'team-2')).toEqual(['team-2/a']);
    const list = await api.list('LabInstance');
    expect(list).toMatchObject({ apiVersion: 'overseer/v1', kind: 'LabInstanceList' });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(Math.max(...list.items.map((r) => Number(r.metadata.resourceVersion))));
  });
});

describe('resources: rebuilt from the journal', () => {
  it('serves the same objects and resourceVersions after a restart of the process on the same data', async () => {
    const first = await startResourceSystem({ backend: 'sqlite' });
    await first.api.create('LabInstance', lab('lab-1'));
    await first.api.create('LabInstance', lab('lab-2', { finalizers: ['example.com/x'] }));
    await first.api.delete('LabInstance', 'default', 'lab-2');
    await first.api.create('LabInstance', lab('lab-3'));
    await first.api.delete('LabInstance', 'default', 'lab-3');
    const before = await first.api.list('LabInstance');
    await first.system.stop();
    const second = await startResourceSystem({ backend: 'sqlite', dataDir: first.dataDir });
    try {
      expect(await second.api.list('LabInstance')).toEqual(before);
      // Versions continue: a write after the restart appends after what is stored.
      const patched = await second.api.patch('LabInstance', 'default', 'lab-1', { spec: { image: 'debian' } });
      expect(patched.metadata.generation).toBe(2);
      const again = await second.api.create('LabInstance', lab('lab-3'));
      expect(Number(again.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    } finally {
      await second.system.stop();
    }
  });
});
