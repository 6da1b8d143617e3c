/**
 * The observer page's entry point (bundled by scripts/bundle-ui.mjs into dist/ui/observer.js
 * and served by the admin endpoint at /ui/observer.js).
 */
import { App } from './app.js';

const host = document.getElementById('app');
if (host) new App(host).start();
