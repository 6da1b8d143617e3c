/**
 * The observer page on the admin endpoint (DESIGN §15): what leaves this folder is the two
 * handlers the admin server routes (`GET /`, `GET /ui/{file}`) and the page's CSP. The page
 * source (page/) and its view-model (model/) are bundled into dist/ui/ at build time.
 */
export { CONTENT_SECURITY_POLICY, observerAsset, observerPage } from './serve.js';
export { AssetStore, defaultAssetDir, type Asset } from './assets.js';
