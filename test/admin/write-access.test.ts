/**
 * The admin write API's gate (DESIGN §11) in front of a recording control: the token, the
 * Origin and Host rules, JSON-only bounded bodies, and the problem codes a client gets.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownActorError } from '../../src/shared/errors.js';
import { handleWrite, type AdminControl } from '../../src/admin/write/routes.js';

const TOKEN = 's3cret-token';
const calls: string[] = [];
let server: Server;
let base: string;
let port: number;

const control: AdminControl = {
  access: { token: TOKEN, hosts: ['admin.example'], port: () => port },
  params: (path) => (path === 'root/w' ? { count: 1 } : undefined),
  updateParams: async (path, patch) => {
    if (path !== 'root/w') throw new UnknownActorError(path);
    calls.push(`params ${JSON.stringify(patch)}`);
    return { path, action: 'restarted', changed: patch, previous: { count: 1 } };
  },
  history: () => [],
  restart: async (path) => (calls.push(`restart ${path}`), { path }),
  kill: (path) => void calls.push(`kill ${path}`),
  apply: async () => ({ added: [], removed: [], restarted: [], updatedLive: [], unchanged: [] }),
  config: () => ({ apiVersion: 'overseer/v1' }),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, first, ...rest] = (req.url ?? '/').split('/');
    void handleWrite(control, req, res, `/${first}`, rest.join('/'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A raw request (fetch cannot set Host or Origin). */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; type: string; json: Record<string, unknown>; code: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), json, code: String(json.type ?? '').replace('urn:overseer:problem:', '') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('admin write API access', () => {
  it('a mutation without the token is 401 unauthorized, with WWW-Authenticate, and nothing happens', async () => {
    const r = await send('PUT', '/actors/root/w/params', { 'content-type': 'application/json' }, '{"count":2}');
    expect(r.status).toBe(401);
    expect(r.type).toBe('application/problem+json');
    expect(r.code).toBe('unauthorized');
    expect(calls).toEqual([]);
  });

  it('a wrong token is 401', async () => {
    const r = await send('POST', '/actors/root/w/restart', { authorization: 'Bearer nope' });
    expect([r.status, r.code]).toEqual([401, 'unauthorized']);
  });

  it('a foreign browser Origin is 403 forbidden_origin even with the token', async () => {
    const r = await send('POST', '/actors/root/w/kill', { ...auth, origin: 'http://evil.example' });
    expect([r.status, r.code]).toEqual([403, 'forbidden_origin']);
    expect(calls).toEqual([]);
  });

  it('the admin page’s own Origin is allowed', async () => {
    const r = await send('POST', '/actors/root/w/kill', { ...auth, origin: `http://127.0.0.1:${port}` });
    expect(r.status).toBe(202);
    expect(calls.splice(0)).toEqual(['kill root/w']);
  });

  it('a Host that is neither loopback nor configured is 403 forbidden_host (DNS rebinding)', async () => {
    const r = await send('POST', '/actors/root/w/restart', { ...auth, host: 'rebound.attacker.example:7070' });
    expect([r.status, r.code]).toEqual([403, 'forbidden_host']);
    const ok = await send('POST', '/actors/root/w/restart', { ...auth, host: 'admin.example:7070' });
    expect(ok.status).toBe(200);
    expect(calls.splice(0)).toEqual(['restart root/w']);
  });

  it('a body that is not JSON is 415, an unparseable one 400 invalid_json, an oversized one 413', async () => {
    expect((await send('PUT', '/actors/root/w/params', { ...auth, 'content-type': 'text/plain' }, 'count=2')).code).toBe('unsupported_media_type');
    const bad = await send('PUT', '/actors/root/w/params', auth, '{"count":');
    expect([bad.status, bad.code]).toEqual([400, 'invalid_json']);
    const array = await send('PUT', '/actors/root/w/params', auth, '[1]');
    expect([array.status, array.code]).toEqual([400, 'invalid_json']);
    const deep = await send('PUT', '/actors/root/w/params', auth, '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}');
    expect([deep.status, deep.code]).toEqual([400, 'invalid_json']);
    const big = await send('PUT', '/actors/root/w/params', auth, JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
    expect([big.status, big.code]).toEqual([413, 'payload_too_large']);
    const chunked = await send('PUT', '/actors/root/w/params', { ...auth, 'transfer-encoding': 'chunked' }, JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
    expect([chunked.status, chunked.code]).toEqual([413, 'payload_too_large']);
    expect(calls).toEqual([]);
  });

  it('an unknown actor is 404 unknown_actor; an unknown action 404 not_found; a wrong method 405 with Allow', async () => {
    expect((await send('PUT', '/actors/root/nope/params', auth, '{}')).code).toBe('unknown_actor');
    expect((await send('GET', '/actors/root/nope/params', auth)).code).toBe('unknown_actor');
    expect((await send('POST', '/actors/root/w/explode', auth)).code).toBe('not_found');
    const wrong = await send('DELETE', '/actors/root/w/params', auth);
    expect([wrong.status, wrong.code]).toEqual([405, 'method_not_allowed']);
  });

  it('a valid update reaches the control, __proto__ keys stripped', async () => {
    const r = await send('PUT', '/actors/root/w/params', auth, '{"count":2,"__proto__":{"polluted":true}}');
    expect(r.status).toBe(200);
    expect(calls.splice(0)).toEqual(['params {"count":2}']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
