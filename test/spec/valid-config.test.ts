import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpecFile, loadSpecObject } from '../../src/spec/index.js';
import { behaviours } from './helpers.js';

const full = fileURLToPath(new URL('./fixtures/full.yaml', import.meta.url));

describe('a valid config', () => {
  it('normalizes to the spec with every default applied', async () => {
    const { spec, modules } = await loadSpecFile(full, { behaviours, env: {} });
    expect(spec).toMatchObject({ apiVersion: 'overseer/v1', name: 'eventstore', node: 'node-1', admin: { host: '127.0.0.1', port: 7070 }, stopTimeoutMs: 30_000 });
    expect(spec.dataDir).toBe(join(fileURLToPath(new URL('./fixtures/', import.meta.url)), 'data'));
    expect(spec.root).toMatchObject({ id: 'root', kind: 'supervisor', strategy: 'one_for_one', start: 'parallel', intensity: { maxRestarts: 3, periodMs: 5000 } });
    const [persistence, workers] = spec.root.children;
    expect(persistence).toEqual({
      kind: 'worker',
      id: 'persistence',
      behaviour: 'counter',
      params: { backend: 'sqlite', file: 'events.db' },
      restart: 'permanent',
      shutdown: 10000,
      readiness: { mode: 'auto', required: true, timeoutMs: 10000 },
      mailbox: { capacity: 1000, overflow: 'drop_newest' },
      significant: false,
      inputs: [],
    });
    expect(workers).toMatchObject({
      kind: 'supervisor',
      strategy: 'rest_for_one',
      start: 'sequential',
      shutdown: 'infinity',
      readiness: { required: true },
      backoff: { initialMs: 100, maxMs: 30000, factor: 2, jitter: 0.2, resetAfterMs: 60000 },
    });
    const counter = workers!.kind === 'supervisor' ? workers!.children[0]! : undefined;
    expect(counter).toMatchObject({ kind: 'worker', shutdown: 5000, restart: 'permanent', readiness: { required: false }, params: {} });
    expect(modules.get((counter as { behaviour: string }).behaviour)).toBeDefined();
  });

  it('is deeply frozen', async () => {
    const { spec } = await loadSpecFile(full, { behaviours, env: {} });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.root.children[0])).toBe(true);
    expect(Object.isFrozen((spec.root.children[0] as { mailbox: object }).mailbox)).toBe(true);
    expect(() => ((spec as { name: string }).name = 'x')).toThrow(TypeError);
  });

  it('accepts the same system as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overseer-json-'));
    copyFileSync(fileURLToPath(new URL('./fixtures/behaviours.mjs', import.meta.url)), join(dir, 'behaviours.mjs'));
    const file = join(dir, 'system.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'j' }, spec: { children: [{ id: 'a', module: './behaviours.mjs' }] } }, null, 2));
    const { spec, modules } = await loadSpecFile(file, { behaviours, env: {} });
    expect(spec.root.children[0]).toMatchObject({ id: 'a', kind: 'worker' });
    expect([...modules.keys()][0]).toMatch(/behaviours\.mjs#default$/);
  });

  it('loads an object with the same rules (embedded API)', async () => {
    const { spec } = await loadSpecObject({ apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'o' }, spec: { children: [{ id: 'a', behaviour: 'counter' }] } }, { behaviours, env: {} });
    expect(spec.root.children[0]).toMatchObject({ id: 'a', behaviour: 'counter', readiness: { required: true } });
    await expect(loadSpecObject({ apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'o' }, spec: { children: [{ id: 'a', behaviour: 'x' }] } }, { behaviours, env: {} })).rejects.toThrow(
      '<spec>: spec.children[0].behaviour: unknown behaviour "x"; known: counter, gateway',
    );
  });
});
