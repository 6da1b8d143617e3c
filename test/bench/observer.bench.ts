/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/**
 * The observer page with a 10k-actor tree in Chromium (Debian's, driven by playwright-core):
 * from the /status answer received to the tree on screen (parsed, modelled, rows painted,
 * laid out; the page's own performance.measure), and expanding the 10k-child supervisor.
 * Baseline, in the same browser: 10k plain rows of the same eight cells appended and laid
 * out. Each run starts its own system and browser and stops both (an admin listener would
 * keep the bench process alive), so only the in-page figure is timed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSystem, type System } from '../../dist/index.js';
import { benchConfig, callbackWorker, counterCallback, pool } from './fixtures.js';
import type { Measurement, Scenario } from './harness.js';

const ACTORS = 10_000;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

async function withPage<T>(system: System | undefined, body: (page: Page) => Promise<T>): Promise<T> {
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    if (system) await page.goto(`${system.adminUrl}/`);
    return await body(page);
  } finally {
    await browser.close();
  }
}

async function bigSystem(): Promise<System> {
  const config = benchConfig([pool(Array.from({ length: ACTORS }, (_, i) => callbackWorker(`w${i}`)))]);
  const spec = { ...config, spec: { ...(config.spec as object), dataDir: mkdtempSync(join(tmpdir(), 'overseer-bench-observer-')) } };
  const system = await startSystem({ spec, behaviours: { callback: counterCallback }, admin: { host: '127.0.0.1', port: 0 }, env: {} });
  await system.ready({ timeoutMs: 120_000 });
  return system;
}

/** Waits for one of the page's measures and returns its duration as a Measurement. */
async function pageMeasure(page: Page, name: string): Promise<Measurement> {
  const ms = await page.waitForFunction((n) => performance.getEntriesByName(n, 'measure')[0]?.duration, name, { timeout: 60_000 });
  return { value: Number(await ms.jsonValue()) * 1e6, unit: 'ns' };
}

async function observer(measure: 'observer:first-render' | 'observer:toggle'): Promise<Measurement> {
  const system = await bigSystem();
  try {
    return await withPage(system, async (page) => {
      if (measure === 'observer:first-render') return pageMeasure(page, measure);
      const toggle = page.locator('.tree-spacer .row[data-path="root/pool"] .tgl');
      await toggle.waitFor({ timeout: 60_000 });
      await toggle.click();
      return pageMeasure(page, measure);
    });
  } finally {
    await system.stop();
  }
}

/** 10k rows of eight text cells, as plain as rows get: created, appended, laid out. */
async function plainRows(): Promise<Measurement> {
  return withPage(undefined, async (page) => {
    const ms = await page.evaluate((count) => {
      const t0 = performance.now();
      const list = document.createElement('div');
      for (let i = 0; i < count; i++) {
        const row = document.createElement('div');
        for (const text of [`w${i}`, 'callback', 'ready', 'yes', '0', '0/1000', '', '']) {
          const cell = document.createElement('span');
          cell.textContent = text;
          row.append(cell);
        }
        list.append(row);
      }
      document.body.append(list);
      void document.body.offsetHeight;
      return performance.now() - t0;
    }, ACTORS);
    return { value: ms * 1e6, unit: 'ns' };
  });
}

const BASELINE = `${ACTORS / 1000}k plain rows (8 text cells each) appended and laid out, same Chromium`;

const firstRender: Scenario = {
  name: `observer page, ${ACTORS / 1000}k-actor tree: /status received → tree on screen (Chromium)`,
  ours: { label: 'observer page (large supervisor summarised, virtualised rows)', n: 1, run: () => observer('observer:first-render') },
  baselines: [{ label: BASELINE, n: 1, run: plainRows }],
  targets: [{ baseline: BASELINE, text: 'issue 17: ≤ 500 ms', ok: (_ratio, ours) => ours <= 500e6 }],
};

const expand: Scenario = {
  name: `observer page: expanding a supervisor of ${ACTORS / 1000}k children → rows on screen (Chromium)`,
  ours: { label: 'observer page (virtualised rows)', n: 1, run: () => observer('observer:toggle') },
  baselines: [{ label: BASELINE, n: 1, run: plainRows }],
  targets: [{ baseline: BASELINE, text: 'issue 17: ≤ 500 ms', ok: (_ratio, ours) => ours <= 500e6 }],
};

export const scenarios: Scenario[] = [firstRender, expand];
