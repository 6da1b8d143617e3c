import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { System } from '../../src/system/system.js';
import { counter, warmup } from '../support/behaviours.js';
import { adminSystem, waitFor } from './harness.js';

let current: System | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function ready(children: unknown[] = [{ id: 'a', behaviour: 'counter' }, { id: 'opt', behaviour: 'counter', readiness: { required: false } }]) {
  const t = await adminSystem(children, { counter, warmup });
  current = t.system;
  await t.system.ready({ timeoutMs: 2000 });
  return t;
}

describe('admin endpoints', () => {
  it('/livez answers 200 ok', async () => {
    const { get } = await ready();
    expect(await get('/livez')).toMatchObject({ status: 200, text: 'ok' });
    expect((await get('/livez?verbose')).text).toContain('[+]root ok');
  });

  it('/readyz answers 200 when ready, lists checks with ?verbose, and skips ?exclude', async () => {
    const { get } = await ready();
    expect(await get('/readyz')).toMatchObject({ status: 200, text: 'ok' });
    const verbose = await get('/readyz?verbose');
    expect(verbose.text).toBe('[+]root/a ok\n[+]shutdown ok\nreadyz check passed\n');
    expect((await get('/readyz?verbose&exclude=root/a')).text).toContain('[+]root/a excluded: ok');
  });

  it('/readyz/PATH asks about one actor; an unknown path is a 404 problem', async () => {
    const { get } = await ready();
    expect(await get('/readyz/root/a')).toMatchObject({ status: 200, text: 'ok' });
    const missing = await get('/readyz/root/nope');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
    expect(JSON.parse(missing.text)).toMatchObject({ type: 'urn:overseer:problem:unknown_actor', status: 404 });
  });

  it('/readyz/shutdown answers the check ?verbose lists as [+]shutdown (regression: 404)', async () => {
    const { get } = await ready();
    expect(await get('/readyz/shutdown')).toMatchObject({ status: 200, text: 'ok' });
  });

  it('/health is application/health+json with a check per actor', async () => {
    const { get } = await ready();
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/health+json');
    const body = JSON.parse(res.text);
    expect(body.status).toBe('pass');
    expect(body.checks['root/a:ready'][0]).toMatchObject({ componentId: 'root/a', componentType: 'component', status: 'pass' });
  });

  it('/status serves the tree', async () => {
    const { get } = await ready();
    const tree = JSON.parse((await get('/status')).text);
    expect(tree).toMatchObject({ path: 'root', type: 'supervisor', status: 'ready' });
    expect(tree.children.map((c: { path: string }) => c.path)).toEqual(['root/control-plane', 'root/a', 'root/opt']);
    expect(tree.children[1]).toMatchObject({ behaviour: 'counter', mailbox: { depth: 0, capacity: 1000, dropped: 0 }, restarts: 0, lastExit: null });
  });

  it('/metrics serves Prometheus text from a private registry', async () => {
    const { get, system } = await ready();
    system.send('root/a', { type: 'crash' });
    await waitFor(() => system.status().children![1]!.restarts === 1);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.text).toContain('overseer_actor_ready{path="root/a",required="true"} 1');
    expect(res.text).toContain('overseer_actor_restarts_total{path="root/a"} 1');
    expect(res.text).toContain('overseer_actor_exits_total{path="root/a",reason="error"} 1');
    expect(res.text).toContain('overseer_mailbox_depth{path="root/a"} 0');
    expect(res.text).not.toContain('process_cpu'); // private registry: no default Node metrics mixed in
  });

  it('unknown paths answer 404 and wrong methods 405, both problem+json', async () => {
    const { get } = await ready();
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
    const post = await get('/readyz', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(JSON.parse(post.text)).toMatchObject({ type: 'urn:overseer:problem:method_not_allowed' });
    expect((await get('/status/extra')).status).toBe(404);
  });

  it('answers absolute-form targets (from proxies) and refuses malformed ones with 400', async () => {
    const { system } = await ready();
    const { port } = new URL(system.adminUrl!);
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await raw('http://admin.example/readyz?verbose')).toMatchObject({ status: 200, body: expect.stringContaining('readyz check passed') });
    expect((await raw('/readyz/%E0%A4%A')).status).toBe(400);
    expect((await raw('http://[bad/livez')).status).toBe(400);
  });

  it('/events streams bus events as Server-Sent Events, filtered by ?types=', async () => {
    const { system } = await ready();
    const controller = new AbortController();
    const res = await fetch(system.adminUrl + '/events?types=order_placed', { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    await reader.read(); // the ": connected" comment: the subscription exists now
    system.events.publish({ type: 'something_else', data: {} });
    system.events.publish({ type: 'order_placed', data: { id: 7 } });
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: order_placed');
    expect(text).not.toContain('something_else');
    expect(JSON.parse(text.split('data: ')[1]!.split('\n')[0]!)).toMatchObject({ type: 'order_placed', data: { id: 7 }, category: 'app' });
  });
});
