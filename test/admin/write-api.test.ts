/**
 * The admin write API through a running system (DESIGN §10, §11): params with the token,
 * refusals without it, history, restart, kill, apply of a config text with positioned
 * problems, GET /config without the token in it, and a non-loopback bind without a token.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCallback } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { adminSystem } from './harness.js';

const TOKEN = 'test-token-0123456789';
const idle = fromCallback(() => () => {});
let running: System | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'overseer-write-'));
  const t = await adminSystem([{ id: 'w', behaviour: 'idle', params: { count: 1 } }], { idle }, { dataDir, admin: { token: TOKEN } });
  running = t.system;
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(t.system.adminUrl + path, { method, body, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers } });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, json, code: String(json.type ?? '').replace('urn:overseer:problem:', '') };
  };
  const instance = () => t.system.statusAt('root/w')!.instance;
  return { ...t, call, instance };
}

describe('admin write API on a running system', () => {
  it('PUT params with the token restarts the actor with the merged params and records history', async () => {
    const t = await start();
    const before = t.instance();
    const r = await t.call('PUT', '/actors/root/w/params', '{"count":2000}');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ path: 'root/w', action: 'restarted', changed: { count: 2000 }, previous: { count: 1 } });
    expect(t.instance()).not.toBe(before);
    expect((await t.call('GET', '/actors/root/w/params')).json).toEqual({ path: 'root/w', params: { count: 2000 } });
    const history = await t.call('GET', '/actors/root/w/history');
    expect(history.json.entries).toMatchObject([{ changed: { count: 2000 }, previous: { count: 1 }, source: 'api' }]);
    const same = await t.call('PUT', '/actors/root/w/params', '{"count":2000}');
    expect(same.json).toMatchObject({ action: 'unchanged' });
  });

  it('without the token a mutation is 401 and changes nothing; reads of status stay open', async () => {
    const t = await start();
    const before = t.instance();
    const r = await fetch(t.system.adminUrl + '/actors/root/w/params', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"count":5}' });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(t.instance()).toBe(before);
    expect((await fetch(t.system.adminUrl + '/status')).status).toBe(200);
  });

  it('an unknown actor is 404 unknown_actor; a supervisor path 400; restart gives a fresh instance; kill restarts it', async () => {
    const t = await start();
    expect((await t.call('PUT', '/actors/root/nope/params', '{}')).code).toBe('unknown_actor');
    const supervisor = await t.call('PUT', '/actors/root/params', '{"a":1}');
    expect([supervisor.status, supervisor.code]).toEqual([400, 'bad_request']);
    const first = t.instance();
    const restarted = await t.call('POST', '/actors/root/w/restart');
    expect(restarted.status).toBe(200);
    expect(t.instance()).not.toBe(first);
    const second = t.instance();
    const restarts = t.system.statusAt('root/w')!.restarts;
    expect((await t.call('POST', '/actors/root/w/kill')).status).toBe(202);
    await expect.poll(() => t.system.statusAt('root/w')!.restarts).toBe(restarts + 1);
    expect(t.instance()).not.toBe(second);
  });

  it('POST /apply with a YAML text adds a child; a broken text is 400 with positioned problems and changes nothing', async () => {
    const t = await start();
    const yaml = (children: string) => `apiVersion: overseer/v1\nkind: System\nmetadata: { name: admin-test }\nspec:\n  node: n1\n  children:\n${children}`;
    const ok = await t.call('POST', '/apply?file=next.yaml', yaml('    - { id: w, behaviour: idle, params: { count: 1 } }\n    - { id: extra, behaviour: idle }\n'), { 'content-type': 'application/yaml' });
    expect(ok.status).toBe(200);
    expect(ok.json.added).toEqual(['root/extra']);
    expect(ok.json.unchanged).toContain('root/w');
    const bad = await t.call('POST', '/apply?file=next.yaml', yaml('    - { id: w, behaviour: nope }\n'), { 'content-type': 'application/yaml' });
    expect([bad.status, bad.code]).toEqual([400, 'invalid_config']);
    expect(bad.json.problems).toEqual([expect.objectContaining({ file: 'next.yaml', line: 7, path: expect.stringContaining('behaviour') })]);
    expect(t.system.statusAt('root/extra')).toBeDefined();
  });

  it('GET /config serves the effective spec with the token redacted', async () => {
    const t = await start();
    const r = await t.call('GET', '/config');
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).not.toContain(TOKEN);
    expect((r.json.admin as Record<string, unknown>).token).toBe('(redacted)');
  });

  it('an admin endpoint on a non-loopback host without a token refuses to start, naming the fix', async () => {
    const start = startSystem({ spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'x' }, spec: { children: [] } }, admin: { host: '0.0.0.0', port: 0 }, env: {} });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/OVERSEER_ADMIN_TOKEN/);
  });
});
