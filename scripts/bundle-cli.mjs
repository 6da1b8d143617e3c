/**
 * Bundles the compiled library (dist/index.js) and CLI (dist/cli/main.js) with the pure-JS
 * packages they load into dist/runtime.mjs and dist/overseer.mjs, sharing chunks: resolving
 * and reading a few hundred small module files was a third of the time from process start to
 * ready. The CLI and user modules (`import 'overseer'`, which resolves to dist/runtime.mjs)
 * load the same chunk, so one process holds one copy of the runtime. Packages that must stay
 * where they are (native addons, worker-thread transports, the user's xstate, what is loaded
 * lazily) stay external.
 */
import { build } from 'esbuild';

await build({
  entryPoints: { runtime: 'dist/index.js', overseer: 'dist/cli/main.js' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [
    'better-sqlite3', // native addon, found relative to its own package
    'pino', // its transports (pino-pretty) run in worker threads loaded by file path
    'pino-pretty',
    'xstate', // a peer dependency: user behaviours and the runtime share the user's copy
    'prom-client', // loaded on the first /metrics scrape only
  ],
  // Bundled CommonJS packages call require(); give each ES module file one.
  banner: { js: "import { createRequire as __overseerRequire } from 'node:module'; const require = __overseerRequire(import.meta.url);" },
  logLevel: 'warning',
});
