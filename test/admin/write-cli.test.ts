/**
 * The CLI clients of the admin write API (`overseer params | history | restart | apply`) against
 * a running system: what they print, their exit codes, and a refused token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCallback } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAssignments, runApply, runHistory, runParams, runRestart } from '../../src/cli/admin-commands.js';
import { mergeOverrides } from '../../src/spec/env.js';
import type { System } from '../../src/system/system.js';
import { adminSystem } from './harness.js';

const TOKEN = 'cli-token-0123456789';
const idle = fromCallback(() => () => {});
let running: System | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await running?.stop();
  running = undefined;
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'overseer-cli-'));
  const t = await adminSystem([{ id: 'w', behaviour: 'idle', params: { count: 1 } }], { idle }, { dataDir, admin: { token: TOKEN } });
  running = t.system;
  return { ...t, dataDir, flags: { url: t.system.adminUrl!, token: TOKEN } };
}

describe('overseer params | history | restart | apply', () => {
  it('params key=value changes the actor; history prints the change; restart gives a new instance', async () => {
    const t = await start();
    const io = capture();
    expect(await runParams('root/w', ['count=2000', 'mode=fast'], t.flags)).toBe(0);
    expect(io.out()).toContain('"action": "restarted"');
    expect(t.system.statusAt('root/w')!.params).toEqual({ count: 2000, mode: 'fast' });
    expect(await runHistory('root/w', t.flags)).toBe(0);
    expect(io.out()).toMatch(/api\s+\{"count":1,"mode":null\} → \{"count":2000,"mode":"fast"\}/);
    const before = t.system.statusAt('root/w')!.instance;
    expect(await runRestart('root/w', t.flags)).toBe(0);
    expect(t.system.statusAt('root/w')!.instance).not.toBe(before);
  });

  it('a wrong token prints the 401 problem and exits 1; an invalid config file exits 78 with its positions', async () => {
    const t = await start();
    const io = capture();
    expect(await runParams('root/w', ['count=3'], { ...t.flags, token: 'wrong-token-0123456789' })).toBe(1);
    expect(io.err()).toContain('401 unauthorized');
    const file = join(t.dataDir, 'broken.yaml');
    writeFileSync(file, 'apiVersion: overseer/v1\nkind: System\nmetadata: { name: admin-test }\nspec:\n  children:\n    - { id: w, behaviour: nope }\n');
    expect(await runApply(file, t.flags)).toBe(78);
    expect(io.err()).toMatch(/broken\.yaml:6:\d+: spec\.children\[0\]\.behaviour/);
    expect(t.system.statusAt('root/w')).toBeDefined();
  });

  it('key=value parses JSON values and refuses a pair without =', () => {
    expect(parseAssignments(['n=2', 'on=true', 'name=x', 'gone=null', 'o={"a":1}'])).toEqual({ n: 2, on: true, name: 'x', gone: null, o: { a: 1 } });
    expect(parseAssignments(['nope'])).toBe('"nope" is not key=value');
  });

  it('a short admin token is a config problem naming where it came from', () => {
    expect(mergeOverrides({ OVERSEER_ADMIN_TOKEN: 'short' }).problems).toEqual([expect.objectContaining({ path: 'OVERSEER_ADMIN_TOKEN' })]);
    expect(mergeOverrides({}, { adminToken: 'short' }).problems).toEqual([expect.objectContaining({ path: '--admin-token' })]);
  });
});
