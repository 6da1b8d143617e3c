/**
 * A kill seen live on the page, in Chromium, without reloading: system.kill('root/store')
 * shows its restart count going up within 1 s of the restart, and the readiness banner going
 * degraded, naming root/store, then ready again (its log of phase changes keeps the moment).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../../support/eventstore.js';
import { bundlePage, launchChromium, openPage, row, startDefaultSystem } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  bundlePage();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('a restart on the observer page', () => {
  it('system.kill of root/store: restart count up within 1 s of the restart, banner degraded then ready', async () => {
    const system = await startDefaultSystem();
    const { page, errors } = await openPage(browser, `${system.adminUrl}/`, 'restart-live');
    const restarts = row(page, 'root/store').locator('.c-restarts');
    await expect.poll(() => page.locator('.banner').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    expect(await restarts.textContent()).toBe('0');
    const restarted = nextEvent(system, 'child_started', (e) => (e.data as { path: string }).path === 'root/store');
    const readyAgain = nextEvent(system, 'system_ready');
    system.kill('root/store');
    await restarted;
    // The page's own latency, from the restart on the server to the count on screen.
    await expect.poll(() => restarts.textContent(), { timeout: 1000, interval: 20 }).toBe('1');
    await readyAgain;
    await expect.poll(() => page.locator('.banner').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    const log = await page.locator('.banner-log li').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-phase')} ${li.textContent}`));
    // Newest first: ready, then the degraded moment that named root/store.
    expect(log[0]).toMatch(/^ready /);
    expect(log[1]).toMatch(/^degraded .*\(root\/store\)$/);
    expect(await row(page, 'root/store').locator('.c-last-exit').textContent()).toMatch(/^error: killed at /);
    await page.locator('.feed-list li[data-type="child_restarting"]').first().waitFor({ timeout: 5000 });
    expect(await page.locator('.feed-list li[data-type="child_restarting"]').first().getAttribute('class')).toContain('hl-restart');
    expect(await page.locator('.feed-list li[data-type="system_degraded"]').first().getAttribute('class')).toContain('hl-readiness');
    expect(errors).toEqual([]);
  });
});
