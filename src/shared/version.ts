/**
 * Overseer's own version, from its package.json, found by walking up from this module: the
 * source, the compiled file and the bundled chunk sit at different depths below it. Read
 * once; undefined if no package.json named overseer is found.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { value: string | undefined } | undefined;

export function packageVersion(): string | undefined {
  cached ??= { value: findVersion(dirname(fileURLToPath(import.meta.url))) };
  return cached.value;
}

function findVersion(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'overseer' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no readable package.json here: look one level up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
