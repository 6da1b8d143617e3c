/**
 * Bundles the compiled CLI (dist/cli/main.js) and the pure-JS packages it loads into one file,
 * dist/overseer.mjs, which `bin` and `npm start` run: resolving and reading a few hundred small
 * module files was a third of the time from process start to ready. Packages that must stay
 * where they are (native addons, worker-thread transports, logic shared with user modules,
 * what is loaded lazily) stay external. The library (`import 'overseer'`) is not bundled.
 */
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/overseer.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [
    'better-sqlite3', // native addon, found relative to its own package
    'pino', // its transports (pino-pretty) run in worker threads loaded by file path
    'pino-pretty',
    'xstate', // user behaviours import it too: one copy, shared
    'prom-client', // loaded on the first /metrics scrape only
  ],
  // Bundled CommonJS packages call require(); give the ES module one.
  banner: { js: "import { createRequire as __overseerRequire } from 'node:module'; const require = __overseerRequire(import.meta.url);" },
  logLevel: 'warning',
});
