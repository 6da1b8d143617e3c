/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/**
 * Editing a param from the page, in Chromium, on a system with an admin token: without the
 * token the server's 401 is shown and nothing changes; given the token (asked for once, kept
 * in sessionStorage) the edit is applied, the actor restarts with it and the history shows it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, launchChromium, openPage, row, startDefaultSystem } from './browser.js';

const TOKEN = 'observer-test-token-0123';
let browser: Browser;
beforeAll(async () => {
  bundlePage();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('params from the observer page', () => {
  it('without the token shows the 401 and changes nothing; with it the param changes and is in the history', async () => {
    const system = await startDefaultSystem({ token: TOKEN });
    const { page, errors } = await openPage(browser, `${system.adminUrl}/`, 'params-edit');
    await row(page, 'root/notification').click();
    const editor = page.locator('.panel textarea.params');
    await expect.poll(() => editor.inputValue()).toBe('{}');
    await editor.fill('{ "pageSize": 250 }');
    await page.click('.panel button:text("Apply params")');
    const message = page.locator('.panel .message');
    await expect.poll(() => message.textContent()).toBe('401 unauthorized: this endpoint needs Authorization: Bearer <admin token>');
    expect(await message.getAttribute('data-code')).toBe('unauthorized');
    expect(system.statusAt('root/notification')!.params).toEqual({});
    expect(await page.locator('form.token').getAttribute('class')).toContain('asking');

    // The token form retries the refused edit once the token is given.
    await page.fill('form.token input', TOKEN);
    await page.click('form.token button[type="submit"]');
    await expect.poll(() => system.statusAt('root/notification')!.params, { timeout: 10_000 }).toEqual({ pageSize: 250 });
    await expect.poll(() => message.textContent()).toMatch(/^root\/notification: params updated \(restarted\): pageSize/);
    expect(await page.evaluate(() => sessionStorage.getItem('overseer.adminToken'))).toBe(TOKEN);
    await expect.poll(() => page.locator('.panel .history tbody tr').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringMatching(/api.*pageSize: null → 250/)]);
    await expect.poll(() => row(page, 'root/notification').locator('.c-restarts').textContent()).toBe('0'); // a params restart is not a crash
    expect(await editor.inputValue()).toBe(JSON.stringify({ pageSize: 250 }, null, 2));
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('a wrong token is refused with the server’s message and asked for again; an invalid value shows the positioned problem', async () => {
    const system = await startDefaultSystem({ token: TOKEN });
    const { page } = await openPage(browser, `${system.adminUrl}/`, 'params-wrong-token');
    await page.evaluate(() => sessionStorage.setItem('overseer.adminToken', 'not-the-token-at-all'));
    await row(page, 'root/notification').click();
    // Selecting an actor reads its history, which the write API guards too.
    const history = page.locator('.panel .history');
    await expect.poll(() => history.textContent()).toBe('401 unauthorized: the admin token is not valid');
    expect(await page.evaluate(() => sessionStorage.getItem('overseer.adminToken'))).toBeNull();
    await page.fill('form.token input', TOKEN);
    await page.click('form.token button[type="submit"]');
    await expect.poll(() => history.textContent()).toBe('No params changes recorded.');
    await page.locator('.panel textarea.params').fill('{ "pageSize": 0 }');
    await page.click('.panel button:text("Apply params")');
    const message = page.locator('.panel .message');
    await expect.poll(() => message.getAttribute('data-code')).toBe('invalid_params');
    expect(await message.locator('p').textContent()).toMatch(/^400 invalid params: /);
    expect(await message.locator('li').allTextContents()).toEqual([expect.stringMatching(/pageSize/)]);
    expect(system.statusAt('root/notification')!.params).toEqual({});
  });
});
