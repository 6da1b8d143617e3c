import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenAdmin, type AdminServer } from '../../src/admin/server.js';
import type { AdminView } from '../../src/admin/view.js';
import type { Child } from '../../src/supervisor/services.js';
import { describeTree, type StatusNode } from '../../src/system/status.js';
import type { System } from '../../src/system/system.js';
import { counter } from '../support/behaviours.js';
import { adminSystem } from './harness.js';

let current: System | undefined;
let server: AdminServer | undefined;
afterEach(async () => {
  await current?.stop();
  await server?.close();
  current = server = undefined;
});

// root ─ control-plane, a, workers ─ w1, inner ─ w2
const CHILDREN = [
  { id: 'a', behaviour: 'counter' },
  { id: 'workers', strategy: 'one_for_one', children: [{ id: 'w1', behaviour: 'counter' }, { id: 'inner', children: [{ id: 'w2', behaviour: 'counter' }] }] },
];

async function ready() {
  const t = await adminSystem(CHILDREN, { counter });
  current = t.system;
  await t.system.ready({ timeoutMs: 2000 });
  const json = async (path: string) => {
    const res = await t.get(path);
    return { status: res.status, type: res.type, body: JSON.parse(res.text) as Record<string, unknown> };
  };
  return { ...t, json };
}

const paths = (node: { children?: { path: string }[] }) => node.children?.map((c) => c.path);
const without = ({ children: _children, ...rest }: StatusNode): Omit<StatusNode, 'children'> => rest;

describe('GET /status?depth=N and /status/PATH', () => {
  it('GET /status without a query still answers the whole tree, with no childCount anywhere', async () => {
    const { get } = await ready();
    const res = await get('/status');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('childCount');
    const tree = JSON.parse(res.text);
    expect(paths(tree)).toEqual(['root/control-plane', 'root/a', 'root/workers']);
    expect(paths(tree.children[2].children[1])).toEqual(['root/workers/inner/w2']);
  });

  it('?depth=0 answers the root alone: every field but children, plus childCount', async () => {
    const { json } = await ready();
    const full = (await json('/status')).body as unknown as StatusNode;
    const { status, body } = await json('/status?depth=0');
    expect(status).toBe(200);
    expect(body).toEqual({ ...without(full), childCount: 3 });
  });

  it('?depth=1 lists the root children; a supervisor at the cut has childCount, a worker stays as it was', async () => {
    const { json } = await ready();
    const full = (await json('/status')).body as unknown as StatusNode;
    const { body } = await json('/status?depth=1');
    const [cp, a, workers] = (body as unknown as StatusNode).children!;
    expect(a).toEqual(full.children![1]);
    expect(a).not.toHaveProperty('childCount');
    expect(cp).toMatchObject({ path: 'root/control-plane', type: 'worker' });
    expect(workers).toEqual({ ...without(full.children![2]!), childCount: 2 });
    expect(workers).toMatchObject({ path: 'root/workers', type: 'supervisor', strategy: 'one_for_one', status: 'ready' });
  });

  it('?depth=2 stops at root/workers/inner; a depth past the leaves is the whole tree', async () => {
    const { json } = await ready();
    const full = (await json('/status')).body as unknown as StatusNode;
    const workers = (await json('/status?depth=2')).body.children as StatusNode[];
    expect(workers[2]!.children!.map((c) => [c.path, c.childCount])).toEqual([['root/workers/w1', undefined], ['root/workers/inner', 1]]);
    expect((await json('/status?depth=3')).body).toEqual(full);
    expect((await json('/status?depth=999')).body).toEqual(full);
  });

  it('/status/PATH answers that subtree in the same node shape, and depth applies there too', async () => {
    const { json } = await ready();
    const full = (await json('/status')).body as unknown as StatusNode;
    const workers = await json('/status/root/workers');
    expect(workers.status).toBe(200);
    expect(workers.body).toEqual(full.children![2]);
    expect((await json('/status/root/workers/')).body).toEqual(full.children![2]);
    expect((await json('/status/root')).body).toEqual(full);
    expect((await json('/status/root/workers/inner/w2')).body).toEqual(full.children![2]!.children![1]!.children![0]);

    const cut = (await json('/status/root/workers?depth=1')).body as unknown as StatusNode;
    expect(cut.children!.map((c) => [c.path, c.childCount, c.children])).toEqual([
      ['root/workers/w1', undefined, undefined],
      ['root/workers/inner', 1, undefined],
    ]);
    expect((await json('/status/root/workers?depth=0')).body).toEqual({ ...without(full.children![2]!), childCount: 2 });
    expect((await json('/status/root/a?depth=0')).body).toEqual(full.children![1]); // a worker has nothing to cut
  });

  it('an unknown path is a 404 problem unknown_actor naming the path', async () => {
    const { json } = await ready();
    for (const [url, path] of [['/status/root/nope', 'root/nope'], ['/status/root/workers/w1/deeper?depth=1', 'root/workers/w1/deeper'], ['/status/elsewhere', 'elsewhere']]) {
      const res = await json(url!);
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toMatchObject({ type: 'urn:overseer:problem:unknown_actor', status: 404, path });
    }
  });

  it('a bad depth is a 400 problem invalid_query naming the parameter and the value', async () => {
    const { json } = await ready();
    for (const [query, value] of [['abc', 'abc'], ['-1', '-1'], ['1.5', '1.5'], ['', ''], ['1e2', '1e2'], ['1&depth=2', '1,2']]) {
      for (const base of ['/status', '/status/root/workers']) {
        const res = await json(`${base}?depth=${query}`);
        expect(res.status, `${base}?depth=${query}`).toBe(400);
        expect(res.type).toBe('application/problem+json');
        expect(res.body).toMatchObject({ type: 'urn:overseer:problem:invalid_query', status: 400, parameter: 'depth', value });
        expect(res.body.detail).toContain('depth');
      }
    }
  });

  it('other endpoints still refuse a subpath', async () => {
    const { json } = await ready();
    expect(await json('/metrics/root')).toMatchObject({ status: 404, body: { type: 'urn:overseer:problem:not_found' } });
    expect(await json('/health/root/a')).toMatchObject({ status: 404, body: { type: 'urn:overseer:problem:not_found' } });
  });
});

describe('the route and the view', () => {
  const leaf: StatusNode = { id: 'x', path: 'root/x', type: 'worker', status: 'ready', ready: true, required: true, restarts: 0, lastExit: null, startedAt: null, instance: null };

  async function serve(view: Partial<AdminView>) {
    server = await listenAdmin(view as AdminView, '127.0.0.1', 0);
    return async (path: string) => {
      const res = await fetch(server!.url + path);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
  }

  it('asks the view for the subtree when it can describe one (statusAt), never for the whole tree', async () => {
    const status = vi.fn(() => ({ ...leaf, id: 'root', path: 'root', type: 'supervisor' as const, children: [leaf] }));
    const statusAt = vi.fn((path: string) => (path === 'root/x' ? leaf : undefined));
    const get = await serve({ status, statusAt });
    expect(await get('/status/root/x?depth=2')).toEqual({ status: 200, body: leaf });
    expect(statusAt).toHaveBeenLastCalledWith('root/x', 2);
    await get('/status?depth=0');
    expect(statusAt).toHaveBeenLastCalledWith('root', 0);
    expect((await get('/status/root/y')).status).toBe(404);
    expect(status).not.toHaveBeenCalled();
    await get('/status');
    expect(status).toHaveBeenCalledTimes(1); // the plain request is answered as it always was
  });
});

describe('describeTree(node, depth)', () => {
  /** A node that must not be looked at: any property read throws. */
  const untouchable = new Proxy({} as Child, {
    get: (_t, key) => {
      throw new Error(`read ${String(key)} of a node below the cut`);
    },
  });
  const cell = (path: string, kind: 'worker' | 'supervisor', children: Child[] = []) =>
    ({
      kind,
      id: path.split('/').pop(),
      path,
      status: 'running',
      ready: true,
      spec: { readiness: { required: true }, behaviour: 'counter', strategy: 'one_for_one', params: {} },
      restarts: 0,
      lastExit: undefined,
      startedAt: undefined,
      instance: undefined,
      running: false,
      mailboxStats: { depth: 0, capacity: 1000, dropped: 0 },
      list: () => children,
    }) as unknown as Child;

  it('never reads the nodes below the cut', () => {
    const tree = cell('root', 'supervisor', [cell('root/s', 'supervisor', [untouchable, untouchable]), cell('root/w', 'worker')]);
    const described = describeTree(tree, 1);
    expect(described.children!.map((c) => [c.path, c.childCount, c.children])).toEqual([
      ['root/s', 2, undefined],
      ['root/w', undefined, undefined],
    ]);
    expect(describeTree(tree, 0)).toMatchObject({ path: 'root', childCount: 2 });
    expect(() => describeTree(tree)).toThrow('below the cut'); // no depth: everything is described
  });
});
