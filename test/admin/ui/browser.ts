/**
 * Browser tests of the observer page: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), one browser per test file, a fresh context per test; a failing test
 * leaves a screenshot under test-results/. Also: the page bundled from the current source, and
 * the default system started in process on free ports with a temporary data directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { startSystem } from '../../../src/index.js';
import type { System } from '../../../src/system/system.js';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../../..');
export const RESULTS_DIR = join(ROOT, 'test-results');

/** Bundles src/admin/ui/page into dist/ui (what the admin endpoint serves), so the page under test is the source's. */
export function bundlePage(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle-ui.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does in CI`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface OpenPage {
  page: Page;
  /** Console errors, uncaught page errors, CSP violations. */
  errors: string[];
  /** Requests the page made to any origin but the admin endpoint's. */
  foreign: string[];
}

/** A fresh page at `url`; closed after the test, with a screenshot first if the test failed. */
export async function openPage(browser: Browser, url: string, name: string, viewport = { width: 1400, height: 900 }): Promise<OpenPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  const foreign: string[] = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(e.message));
  page.on('request', (r) => void (new URL(r.url()).origin !== origin && !r.url().startsWith('data:') && foreign.push(r.url())));
  onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail') {
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true }).catch(() => undefined);
    }
    await context.close();
  });
  await page.goto(url);
  return { page, errors, foreign };
}

/** systems/default.yaml in process: admin and gateway on free ports, data in a temporary directory. */
export async function startDefaultSystem(options: { token?: string } = {}): Promise<System> {
  const dataDir = mkdtempSync(join(tmpdir(), 'overseer-observer-'));
  const system = await startSystem({
    spec: join(ROOT, 'systems/default.yaml'),
    admin: { host: '127.0.0.1', port: 0, ...(options.token ? { token: options.token } : {}) },
    overrides: { dataDir, gatewayPort: 0 },
    env: {},
  });
  onTestFinished(() => system.stop());
  await system.ready({ timeoutMs: 20_000 });
  return system;
}

/** The row of one actor in the tree. */
export const row = (page: Page, path: string) => page.locator(`.tree-spacer .row[data-path="${path}"]`);
