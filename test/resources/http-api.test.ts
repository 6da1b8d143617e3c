import { describe, expect, it } from 'vitest';
import { SseClient, type Frame } from '../support/sse-client.js';
import { LAB_KIND, resourceSystems, until } from './support.js';

const start = resourceSystems({ gateway: true });
const JSON_TYPE = { 'content-type': 'application/json' };

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = JSON_TYPE) {
  const res = await fetch(url, body === undefined ? { method } : { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const isData = (f: Frame) => f.data !== undefined && f.event === undefined;
const watchFrames = (client: SseClient) => client.events().map((f) => ({ id: f.id, ...(JSON.parse(f.data!) as { type: string; object: { metadata: Record<string, any>; status: Record<string, unknown> } }) }));

describe('resources over HTTP', () => {
  it('lists kinds, creates, gets, lists by selector, updates, patches, writes status and deletes', async () => {
    const { url } = await start();
    const base = `${url}/api/v1/resources/labinstances`;
    expect((await call(`${url}/api/v1/resources`, 'GET')).body).toEqual({ kinds: [{ kind: 'LabInstance', plural: 'labinstances', apiVersion: 'overseer/v1', validated: true }] });

    const created = await call(base, 'POST', { apiVersion: 'overseer/v1', kind: 'LabInstance', metadata: { name: 'lab-1', labels: { team: 'a' } }, spec: { image: 'ubuntu' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/resources/labinstances/default/lab-1');
    expect(created.body!.metadata).toMatchObject({ name: 'lab-1', namespace: 'default', generation: 1 });
    await call(base, 'POST', { metadata: { name: 'lab-2', namespace: 'team-b' }, spec: { image: 'debian' } });

    const got = await call(`${base}/default/lab-1`, 'GET');
    expect(got.body).toEqual(created.body);
    const list = await call(`${url}/api/v1/resources/LabInstance?labelSelector=${encodeURIComponent('team in (a,c)')}`, 'GET');
    expect(list.body!.items.map((r: any) => r.metadata.name)).toEqual(['lab-1']);
    expect((await call(`${base}?namespace=team-b`, 'GET')).body!.items.map((r: any) => r.metadata.name)).toEqual(['lab-2']);

    const rv1 = created.body!.metadata.resourceVersion;
    const put = await call(`${base}/default/lab-1`, 'PUT', { metadata: { name: 'lab-1', resourceVersion: rv1, labels: { team: 'a' } }, spec: { image: 'alpine' } });
    expect(put.status).toBe(200);
    expect(put.body!.metadata.generation).toBe(2);
    const stale = await call(`${base}/default/lab-1`, 'PUT', { metadata: { resourceVersion: rv1 }, spec: { image: 'x' } });
    expect(stale.status).toBe(409);
    expect(stale.type).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ type: 'urn:overseer:problem:conflict', expected: rv1, actual: put.body!.metadata.resourceVersion });

    const patched = await call(`${base}/default/lab-1`, 'PATCH', { metadata: { labels: { env: 'dev' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(patched.body!.metadata.labels).toEqual({ team: 'a', env: 'dev' });
    expect(patched.body!.metadata.generation).toBe(2);
    const status = await call(`${base}/default/lab-1/status`, 'PATCH', { status: { phase: 'ready' } }, { 'content-type': 'application/merge-patch+json' });
    expect(status.body!.status).toEqual({ phase: 'ready' });
    expect(status.body!.metadata.generation).toBe(2);
    const replaced = await call(`${base}/default/lab-1/status`, 'PUT', { status: { phase: 'failed' }, spec: { image: 'ignored' } });
    expect(replaced.body).toMatchObject({ status: { phase: 'failed' }, spec: { image: 'alpine' } });
    expect((await call(`${base}/default/lab-1/status`, 'GET')).body!.status).toEqual({ phase: 'failed' });

    await call(`${base}/default/lab-1`, 'PATCH', { metadata: { finalizers: ['example.com/keep'] } });
    const pending = await call(`${base}/default/lab-1`, 'DELETE');
    expect(pending.status).toBe(202);
    expect(pending.body!.metadata.deletionTimestamp).toBeDefined();
    await call(`${base}/default/lab-1`, 'PATCH', { metadata: { finalizers: null } });
    expect((await call(`${base}/default/lab-1`, 'GET')).status).toBe(404);
    expect((await call(`${base}/team-b/lab-2`, 'DELETE')).status).toBe(200);
  });

  it('watches as SSE: current state then live changes, id = resourceVersion, resumable with Last-Event-ID', async () => {
    const { url, api } = await start();
    const base = `${url}/api/v1/resources/labinstances`;
    const a = await api.create('LabInstance', { metadata: { name: 'a' }, spec: { image: 'ubuntu' } });
    const client = await SseClient.connect(`${base}?watch=true`, isData);
    await until(() => client.events().length === 2);
    const b = await api.create('LabInstance', { metadata: { name: 'b' }, spec: { image: 'ubuntu' } });
    const a2 = await api.patchStatus('LabInstance', 'default', 'a', { status: { phase: 'ready' } });
    await until(() => client.events().length === 4);
    const frames = watchFrames(client);
    expect(frames.map((f) => [f.id, f.type, f.object.metadata.name ?? null])).toEqual([
      [undefined, 'ADDED', 'a'],
      [a.metadata.resourceVersion, 'BOOKMARK', null],
      [b.metadata.resourceVersion, 'ADDED', 'b'],
      [a2.metadata.resourceVersion, 'MODIFIED', 'a'],
    ]);
    client.close();

    const resumed = await SseClient.connect(`${base}?watch=1`, isData, { 'last-event-id': b.metadata.resourceVersion });
    const gone = await api.delete('LabInstance', 'default', 'b');
    await until(() => resumed.events().length === 2);
    expect(watchFrames(resumed).map((f) => [f.id, f.type, f.object.metadata.name])).toEqual([
      [a2.metadata.resourceVersion, 'MODIFIED', 'a'],
      [gone.metadata.resourceVersion, 'DELETED', 'b'],
    ]);
    resumed.close();
  });

  it('sends a BOOKMARK at the keep-alive when changes it does not show moved the resourceVersion', async () => {
    const { url, api } = await start({ clock: false, gateway: { keepAliveMs: 100 } });
    const client = await SseClient.connect(`${url}/api/v1/resources/labinstances?watch=true&labelSelector=env%3Dprod`, isData);
    await until(() => client.events().length === 1);
    const other = await api.create('LabInstance', { metadata: { name: 'dev-lab', labels: { env: 'dev' } }, spec: { image: 'ubuntu' } });
    await until(() => client.events().some((f) => f.id === other.metadata.resourceVersion), 200_000);
    expect(watchFrames(client).at(-1)).toMatchObject({ type: 'BOOKMARK', object: { kind: 'LabInstance', metadata: { resourceVersion: other.metadata.resourceVersion } } });
    client.close();
  });

  it('ends a watch with event: shutdown when the gateway stops', async () => {
    const { url, system } = await start({ kinds: [LAB_KIND] });
    const client = await SseClient.connect(`${url}/api/v1/resources/labinstances?watch=true`, isData);
    await until(() => client.events().length === 1);
    await system.stop();
    await until(() => client.ended || client.closed);
    expect(client.frames.some((f) => f.event === 'shutdown')).toBe(true);
  });
});
