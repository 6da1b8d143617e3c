/**
 * The actor panel's restart and kill and the event feed's filter and pause, in Chromium, on
 * a system without an admin token (loopback: the write API needs none, so nothing is asked).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, launchChromium, openPage, row, startDefaultSystem } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  bundlePage();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('actions and the feed on the observer page', () => {
  it('Restart gives a fresh instance; Kill asks for a second click, then the supervisor restarts the actor', async () => {
    const system = await startDefaultSystem();
    const { page } = await openPage(browser, `${system.adminUrl}/`, 'actions');
    await row(page, 'root/cluster').click();
    const message = page.locator('.panel .message');
    const first = system.statusAt('root/cluster')!.instance;
    await page.click('.panel button:text("Restart")');
    await expect.poll(() => message.textContent()).toBe('root/cluster: restarted');
    expect(system.statusAt('root/cluster')!.instance).not.toBe(first);
    const restarts = system.statusAt('root/cluster')!.restarts;
    await expect.poll(() => row(page, 'root/cluster').locator('.c-restarts').textContent(), { timeout: 10_000 }).toBe(String(restarts));
    await page.click('.panel button:text("Kill")');
    expect(await page.locator('.panel button.danger').textContent()).toBe('Click again to kill');
    expect(system.statusAt('root/cluster')!.restarts).toBe(restarts);
    await page.click('.panel button.danger');
    await expect.poll(() => message.textContent()).toBe('root/cluster: killed (its supervisor decides what follows)');
    await expect.poll(() => row(page, 'root/cluster').locator('.c-restarts').textContent(), { timeout: 10_000 }).toBe(String(restarts + 1));
    await expect.poll(() => page.locator('.panel .recent').textContent()).toMatch(/child_exited/);
    expect(page.url()).toMatch(/#root\/cluster$/);
  });

  it('the feed filters by type and by path, and holds new events while paused', async () => {
    const system = await startDefaultSystem();
    const { page } = await openPage(browser, `${system.adminUrl}/`, 'feed');
    const types = () => page.locator('.feed-list li').evaluateAll((items) => [...new Set(items.map((li) => li.getAttribute('data-type')))]);
    await expect.poll(types, { timeout: 10_000 }).toContain('system_ready');
    await page.selectOption('.feed select', 'child_started');
    await expect.poll(types).toEqual(['child_started']);
    await page.selectOption('.feed select', '');
    await page.fill('.feed input[type="search"]', 'root/gateway');
    await expect.poll(() => page.locator('.feed-list li .subject').allTextContents()).toSatisfy((subjects: string[]) => subjects.length > 0 && subjects.every((s) => s === 'root/gateway'));
    await page.fill('.feed input[type="search"]', '');

    await page.click('.feed button.pause');
    await expect.poll(() => page.locator('.feed button.pause').textContent()).toBe('Resume');
    const before = await page.locator('.feed-list li').count();
    system.kill('root/cluster');
    await expect.poll(() => page.locator('.feed button.pause').textContent(), { timeout: 10_000 }).toMatch(/^Resume \(\d+ new\)$/);
    expect(await page.locator('.feed-list li').count()).toBe(before);
    await page.click('.feed button.pause');
    await expect.poll(() => page.locator('.feed-list li[data-type="child_restarting"]').count()).toBe(1);
  });
});
