/**
 * The observer page on the default system, in Chromium: the control plane and the five
 * event-store actors ready, the banner ready, the event store's view, and nothing fetched
 * from anywhere but the admin endpoint (offline, CSP clean). With OVERSEER_UPDATE_SCREENSHOT=1
 * it also writes the README's screenshot, docs/observer.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStore } from '../../../src/index.js';
import { bundlePage, launchChromium, openPage, row, startDefaultSystem } from './browser.js';

const ACTORS = ['root/control-plane', 'root/persistence', 'root/notification', 'root/store', 'root/cluster', 'root/gateway'];
let browser: Browser;
beforeAll(async () => {
  bundlePage();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('observer page on the default system', () => {
  it('shows the control plane and the five subsystems ready, the banner ready, and asks nothing of other origins', async () => {
    const system = await startDefaultSystem();
    const { page, errors, foreign } = await openPage(browser, `${system.adminUrl}/`, 'default-system');
    for (const path of ACTORS) {
      await expect.poll(() => row(page, path).locator('.c-status').textContent(), { timeout: 10_000 }).toBe('ready');
      expect(await row(page, path).locator('.c-ready').textContent()).toBe('yes');
      expect(await row(page, path).getAttribute('class')).toContain('s-ready');
    }
    await expect.poll(() => page.locator('.banner').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    expect(await page.locator('.banner-title').textContent()).toBe('Ready');
    expect(await page.locator('h1').textContent()).toContain('eventstore');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('lists the streams appended to and the $all tail in the event store view, with the actors’ reports', async () => {
    const system = await startDefaultSystem();
    const store = eventStore(system);
    await store.append('orders-1', [{ type: 'placed', data: {} }], { expectedVersion: 'no_stream' });
    const { page } = await openPage(browser, `${system.adminUrl}/`, 'event-store-view');
    await store.append('orders-2', [{ type: 'placed', data: {} }, { type: 'paid', data: {} }], { expectedVersion: 'no_stream' });
    await page.click('button[data-tab="eventstore"]');
    const streams = page.locator('.eventstore table.list').first();
    await expect.poll(() => streams.locator('tbody tr').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringMatching(/^orders-21 ?2 ?3/), expect.stringMatching(/^orders-10 ?1 ?1/)]);
    const tail = page.locator('.eventstore table.list').nth(1);
    expect(await tail.locator('tbody tr td:first-child').allTextContents()).toEqual(['3', '1']);
    // Reports are figures no event carries: the page polls /status for them (every 2 s).
    await expect.poll(() => page.locator('.report-card[data-path="root/persistence"]').textContent(), { timeout: 10_000 }).toMatch(/head3/);
    const gateway = String(system.statusAt('root/gateway')!.info!.url);
    expect(await streams.locator('a').first().getAttribute('href')).toBe(`${gateway}/api/v1/streams/orders-2`);
  });

  it.runIf(process.env.OVERSEER_UPDATE_SCREENSHOT === '1')('writes the README screenshot (docs/observer.png)', async () => {
    const system = await startDefaultSystem();
    const store = eventStore(system);
    for (let i = 1; i <= 3; i++) await store.append(`orders-${i}`, [{ type: 'order_placed', data: { i } }], { expectedVersion: 'any' });
    const { page } = await openPage(browser, `${system.adminUrl}/`, 'readme-screenshot', { width: 1400, height: 860 });
    await expect.poll(() => page.locator('.banner').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    system.kill('root/store');
    await expect.poll(() => row(page, 'root/store').locator('.c-restarts').textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => page.locator('.banner').getAttribute('data-phase'), { timeout: 10_000 }).toBe('ready');
    await row(page, 'root/persistence').click();
    await expect.poll(() => page.locator('.panel-title').textContent()).toBe('root/persistence');
    const docs = resolve(import.meta.dirname, '../../../docs');
    mkdirSync(docs, { recursive: true });
    await page.screenshot({ path: join(docs, 'observer.png') });
  });
});
