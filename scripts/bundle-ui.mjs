/**
 * Bundles the observer page (src/admin/ui/page/) into dist/ui/: observer.js (the page and its
 * view-model, one minified script), observer.css, index.html and favicon.svg. The admin
 * endpoint serves these from the package: no CDN, nothing fetched at run time. Each file is
 * written to a temporary name and renamed, so a test building it while another reads it never
 * sees half a file. `node scripts/bundle-ui.mjs [OUT_DIR]` (default dist/ui).
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const page = join(root, 'src/admin/ui/page');
const STATIC = ['index.html', 'favicon.svg'];

/** Builds the page into `outDir`; resolves with the files written. */
export async function bundleUi(outDir = join(root, 'dist/ui')) {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(page, 'main.ts'), out: 'observer' },
      { in: join(page, 'observer.css'), out: 'observer' },
    ],
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  const written = [];
  const tag = `${process.pid}-${Date.now()}`;
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${tag}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
    written.push(file.path);
  }
  for (const name of STATIC) {
    const target = join(outDir, name);
    const tmp = `${target}.${tag}.tmp`;
    copyFileSync(join(page, name), tmp);
    renameSync(tmp, target);
    written.push(target);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await bundleUi(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`observer page: ${files.map((f) => basename(f)).join(', ')} in ${dirname(files[0])}`);
}
