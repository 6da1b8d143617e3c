/**
 * A 10k-actor tree on the observer page, in Chromium: it opens summarised (the 10k-child
 * supervisor collapsed, its summary counting what is below), expands into a virtualised list
 * (only the rows in view exist), scrolls to the last actor, filters to one, and still follows
 * a restart live. Render times are printed, not asserted: test/bench/observer.bench.ts
 * measures them against a baseline.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fromCallback } from 'xstate';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startSystem } from '../../../src/index.js';
import { bundlePage, launchChromium, openPage, row } from './browser.js';

const ACTORS = 10_000;
let browser: Browser;
beforeAll(async () => {
  bundlePage();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

async function bigSystem() {
  const system = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'big' },
      spec: {
        node: 'n1',
        dataDir: mkdtempSync(join(tmpdir(), 'overseer-observer-big-')),
        children: [{ id: 'pool', start: 'parallel', intensity: { maxRestarts: 1000, periodMs: 1000 }, children: Array.from({ length: ACTORS }, (_, i) => ({ id: `w${i}`, behaviour: 'idle', readiness: { mode: 'on-start' } })) }],
      },
    },
    behaviours: { idle: fromCallback(() => () => {}) },
    admin: { host: '127.0.0.1', port: 0 },
    env: {},
  });
  onTestFinished(() => system.stop());
  await system.ready({ timeoutMs: 60_000 });
  return system;
}

describe('a 10k-actor tree on the observer page', () => {
  it('opens summarised, expands virtualised, scrolls to the end, filters, and follows a restart', async () => {
    const system = await bigSystem();
    const { page, errors } = await openPage(browser, `${system.adminUrl}/`, 'large-tree');
    const pool = row(page, 'root/pool');
    await expect.poll(() => pool.locator('.summary').textContent(), { timeout: 20_000 }).toBe(`${ACTORS} actors`);
    expect(await pool.getAttribute('aria-expanded')).toBe('false');
    const first = await page.evaluate(() => performance.getEntriesByName('observer:first-render', 'measure').map((e) => e.duration));
    console.log(`10k tree: /status received → tree on screen ${first.map((d) => d.toFixed(0))} ms`);

    await pool.locator('.tgl').click();
    await expect.poll(() => page.locator('.counts').textContent()).toBe(`${ACTORS + 3} actors, ${ACTORS + 3} rows shown`);
    const inDom = await page.locator('.tree-spacer .row').count();
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(120);
    const toggles = await page.evaluate(() => performance.getEntriesByName('observer:toggle', 'measure').map((e) => e.duration));
    console.log(`10k tree: expanding the 10k-child supervisor → rows on screen ${toggles.map((d) => d.toFixed(0))} ms (${inDom} row elements)`);

    await page.locator('.tree-viewport').evaluate((vp) => (vp.scrollTop = vp.scrollHeight));
    await expect.poll(() => row(page, `root/pool/w${ACTORS - 1}`).count()).toBe(1);
    expect(await page.locator('.tree-spacer .row').count()).toBeLessThan(120);

    await page.fill('.tree-filter', 'w5000');
    await expect.poll(() => page.locator('.tree-spacer .row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')))).toEqual(['root', 'root/pool', 'root/pool/w5000']);
    system.kill('root/pool/w5000');
    await expect.poll(() => row(page, 'root/pool/w5000').locator('.c-restarts').textContent(), { timeout: 10_000 }).toBe('1');
    await page.fill('.tree-filter', '');
    await pool.locator('.tgl').click();
    await expect.poll(() => pool.locator('.summary').textContent()).toBe(`${ACTORS} actors · 1 restart`);
    expect(errors).toEqual([]);
  });
});
