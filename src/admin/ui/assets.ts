/**
 * Where the observer page's bundled files are (dist/ui/ of the package, built by
 * scripts/bundle-ui.mjs) and their bytes, read once. The package root is found by walking up
 * from this module to the package.json named `overseer`, so the same lookup works from the
 * bundled dist/runtime.mjs, from tsc's dist/admin/ui/, and from src/ under vitest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong validator: the content's hash. */
  readonly etag: string;
}

/** The files the page is made of, by the name they are served under. */
export const ASSET_TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'observer.js': 'text/javascript; charset=utf-8',
  'observer.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

const PACKAGE_NAME = 'overseer';

/** dist/ui of the package this module belongs to; undefined when no package root is found. */
export function defaultAssetDir(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isOverseer(manifest)) return join(dir, 'dist', 'ui');
    if (dirname(dir) === dir) return undefined;
  }
}

function isOverseer(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** Reads the page's files from `dir` on first use; a file missing there is undefined (not built). */
export class AssetStore {
  private readonly cache = new Map<string, Asset | null>();

  constructor(private readonly dir: string | undefined) {}

  get(name: string): Asset | undefined {
    if (!Object.hasOwn(ASSET_TYPES, name)) return undefined;
    let asset = this.cache.get(name);
    if (asset === undefined) {
      asset = this.read(name);
      // A page not built yet is looked for again on the next request; a built one is kept.
      if (asset !== null) this.cache.set(name, asset);
    }
    return asset ?? undefined;
  }

  private read(name: string): Asset | null {
    if (this.dir === undefined) return null;
    try {
      const body = readFileSync(join(this.dir, name));
      return { body, contentType: ASSET_TYPES[name]!, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    } catch {
      return null;
    }
  }
}
