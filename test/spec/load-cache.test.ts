/**
 * The load cache behind apply(): the very same source, base directory, OVERSEER_* variables
 * and module files reuse the last loaded spec; any difference loads again.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadCache } from '../../src/spec/load-cache.js';
import type { LoadedSpec } from '../../src/spec/load.js';

const loadedWith = (moduleFile?: string) => ({ spec: {}, modules: new Map(moduleFile ? [[`module:${moduleFile}#x`, {}]] : []) }) as unknown as LoadedSpec;

describe('LoadCache', () => {
  it('hits for the same file text, env and module files, and misses once the file, an OVERSEER_ variable or a module changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overseer-cache-'));
    const file = join(dir, 'system.yaml');
    const module = join(dir, 'm.js');
    writeFileSync(file, 'a: 1\n');
    writeFileSync(module, 'export const x = 1;\n');
    const cache = new LoadCache();
    const loaded = loadedWith(module);
    cache.remember(await cache.keyOf(file, undefined, { OVERSEER_NODE: 'n1', HOME: '/a' }), loaded);
    expect(cache.hit(await cache.keyOf(file, undefined, { OVERSEER_NODE: 'n1', HOME: '/b' }))).toBe(loaded); // other variables do not count
    expect(cache.hit(await cache.keyOf(file, undefined, { OVERSEER_NODE: 'n2' }))).toBeUndefined();
    expect(cache.hit(await cache.keyOf(file, dir, { OVERSEER_NODE: 'n1' }))).toBeUndefined();
    utimesSync(module, new Date(), new Date(Date.now() + 5000));
    expect(cache.hit(await cache.keyOf(file, undefined, { OVERSEER_NODE: 'n1' }))).toBeUndefined();
    cache.remember(await cache.keyOf(file, undefined, {}), loaded);
    writeFileSync(file, 'a: 2\n');
    expect(cache.hit(await cache.keyOf(file, undefined, {}))).toBeUndefined();
  });

  it('compares objects as JSON, and gives up on values JSON cannot carry (functions)', async () => {
    const cache = new LoadCache();
    const loaded = loadedWith();
    cache.remember(await cache.keyOf({ spec: { children: [{ id: 'a' }] } }, undefined, {}), loaded);
    expect(cache.hit(await cache.keyOf({ spec: { children: [{ id: 'a' }] } }, undefined, {}))).toBe(loaded);
    expect(cache.hit(await cache.keyOf({ spec: { children: [{ id: 'b' }] } }, undefined, {}))).toBeUndefined();
    expect(await cache.keyOf({ spec: { children: [{ id: 'a', params: { f: () => 1 } }] } }, undefined, {})).toBeUndefined();
    expect(await cache.keyOf('/nonexistent/file.yaml', undefined, {})).toBeUndefined();
  });
});
