/**
 * GET / (the observer page) and GET /ui/{file} (its script, styles and icon) on the admin
 * endpoint. Every answer carries a Content-Security-Policy that allows only this origin's own
 * script, styles, images and connections, no inline code and no framing, and requires Trusted
 * Types (the page builds no HTML from strings). Files are revalidated by ETag.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendProblem } from '../problem.js';
import { AssetStore, defaultAssetDir } from './assets.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

let shared: AssetStore | undefined;
/** The package's dist/ui, looked up once per process. */
const defaultStore = () => (shared ??= new AssetStore(defaultAssetDir()));

/** `GET /`: the page itself. */
export function observerPage(req: IncomingMessage, res: ServerResponse, store: AssetStore = defaultStore()): void {
  serve(req, res, store, 'index.html');
}

/** `GET /ui/{file}`: one of the page's files. */
export function observerAsset(req: IncomingMessage, res: ServerResponse, subpath: string, store: AssetStore = defaultStore()): void {
  // The page itself is only at `/`: its relative links would not resolve from /ui/.
  serve(req, res, store, subpath === 'index.html' ? '' : subpath);
}

function serve(req: IncomingMessage, res: ServerResponse, store: AssetStore, name: string): void {
  const asset = store.get(name);
  if (!asset) {
    if (store.get('index.html') === undefined) {
      return sendProblem(res, 404, 'not_found', 'the observer page is not built: run `npm run build` (it bundles the page into dist/ui/)');
    }
    return sendProblem(res, 404, 'not_found', `no observer page file ${name.slice(0, 100)}`, { files: ['observer.js', 'observer.css', 'favicon.svg'] });
  }
  const headers = { ...SECURITY_HEADERS, 'content-type': asset.contentType, etag: asset.etag, 'cache-control': 'no-cache' };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'content-length': asset.body.length });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}
