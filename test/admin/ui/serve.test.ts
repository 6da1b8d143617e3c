/**
 * The observer page's files on the admin endpoint: GET / and /ui/{file} with a restrictive
 * CSP and no inline code, ETag revalidation, problem+json for every refusal, a clear answer
 * when the page was not built, and the bundle's size (under 150 KB gzipped, nothing external).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { fromCallback } from 'xstate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AssetStore, CONTENT_SECURITY_POLICY, defaultAssetDir, observerPage } from '../../../src/admin/ui/index.js';
import type { System } from '../../../src/system/system.js';
import { adminSystem } from '../harness.js';
import { bundlePage } from './browser.js';

const DIST_UI = resolve(import.meta.dirname, '../../../dist/ui');
let running: System | undefined;
beforeAll(() => bundlePage());
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start() {
  const t = await adminSystem([{ id: 'w', behaviour: 'idle' }], { idle: fromCallback(() => () => {}) });
  running = t.system;
  return t;
}

describe('serving the observer page', () => {
  it('GET / is the page, with the CSP and no inline script or style; its files come from /ui/', async () => {
    const { get } = await start();
    const page = await get('/');
    expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.text).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    expect(page.text).toContain('<script src="ui/observer.js" defer></script>');
    for (const [file, type] of [
      ['observer.js', 'text/javascript; charset=utf-8'],
      ['observer.css', 'text/css; charset=utf-8'],
      ['favicon.svg', 'image/svg+xml'],
    ]) {
      const asset = await get(`/ui/${file}`);
      expect([file, asset.status, asset.type]).toEqual([file, 200, type]);
      expect(asset.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('answers If-None-Match with 304 and HEAD without a body', async () => {
    const { get } = await start();
    const first = await get('/ui/observer.js');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await get('/ui/observer.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await get('/', { method: 'HEAD' });
    expect([head.status, head.text, Number(head.headers.get('content-length'))]).toEqual([200, '', readFileSync(join(DIST_UI, 'index.html')).length]);
  });

  it('refuses what is not a page file as problem+json: unknown files, traversal, the page under /ui, other methods', async () => {
    const { get } = await start();
    for (const path of ['/ui/nope.js', '/ui/..%2Fpackage.json', '/ui/../../package.json', '/ui/index.html', '/ui', '/index.html', '/x/observer.js']) {
      const r = await get(path);
      expect([path, r.status, r.type]).toEqual([path, 404, 'application/problem+json']);
    }
    const post = await get('/', { method: 'POST' });
    expect([post.status, post.type, post.headers.get('allow')]).toEqual([405, 'application/problem+json', 'GET, HEAD']);
  });

  it('a package whose page was not built answers 404 saying how to build it', async () => {
    const empty = new AssetStore(mkdtempSync(join(tmpdir(), 'overseer-ui-none-')));
    const server = createServer((req, res) => observerPage(req, res, empty)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect([res.status, res.headers.get('content-type')]).toEqual([404, 'application/problem+json']);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/npm run build/);
    } finally {
      server.close();
    }
  });

  it('finds dist/ui from the package root, wherever the module runs from', () => {
    expect(defaultAssetDir()).toBe(DIST_UI);
    expect(defaultAssetDir(join(DIST_UI, '..', 'chunks'))).toBe(DIST_UI);
    expect(defaultAssetDir('/')).toBeUndefined();
  });

  it('the bundle is under 150 KB gzipped and loads nothing from elsewhere', () => {
    const files = ['index.html', 'observer.js', 'observer.css', 'favicon.svg'].map((f) => readFileSync(join(DIST_UI, f)));
    const gzipped = files.reduce((n, f) => n + gzipSync(f).length, 0);
    expect(gzipped).toBeLessThan(150 * 1024);
    const html = files[0]!.toString();
    expect(html.match(/(?:src|href)="([^"]+)"/g)).toEqual(['href="ui/favicon.svg"', 'href="ui/observer.css"', 'src="ui/observer.js"']);
    expect(files[2]!.toString()).not.toMatch(/@import|url\(/);
    expect(files[1]!.toString()).not.toMatch(/\beval\(|new Function\(|innerHTML|insertAdjacentHTML|document\.write/);
  });
});
