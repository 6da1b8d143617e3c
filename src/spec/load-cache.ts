/**
 * The last spec a system loaded, and exactly what it was loaded from: the source text (a file's
 * content, given text, or a plain object as JSON), the base directory, the OVERSEER_* variables
 * and the version of every `module:` file it imported. A reload of the very same inputs reuses
 * that spec instead of validating it again (an unchanged 10k-actor file: diffing only).
 */
import { readFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import type { LoadedSpec } from './load.js';

type Source = string | { text: string; file: string } | Record<string, unknown>;

export class LoadCache {
  private last: { key: string; modules: string; loaded: LoadedSpec } | undefined;

  /** The identity of `source` as it would be loaded now; undefined when it cannot be told (unreadable file, non-JSON values). */
  async keyOf(source: Source, baseDir: string | undefined, env: Record<string, string | undefined>): Promise<string | undefined> {
    let text: string;
    try {
      if (typeof source === 'string') text = `file:${source}\n${await readFile(source, 'utf8')}`;
      else if (isText(source)) text = `text:${source.file}\n${source.text}`;
      else text = `object:${JSON.stringify(source, plainOnly)}`;
    } catch {
      return undefined;
    }
    const vars = Object.keys(env).filter((k) => k.startsWith('OVERSEER_')).sort().map((k) => `${k}=${env[k]}`);
    return `${baseDir ?? ''}\n${vars.join('\n')}\n${text}`;
  }

  /** The spec loaded last from `key`, if its module files are unchanged since. */
  hit(key: string | undefined): LoadedSpec | undefined {
    const last = this.last;
    if (key === undefined || last === undefined || last.key !== key) return undefined;
    return moduleVersions(last.loaded) === last.modules ? last.loaded : undefined;
  }

  remember(key: string | undefined, loaded: LoadedSpec): void {
    this.last = key === undefined ? undefined : { key, modules: moduleVersions(loaded), loaded };
  }
}

const isText = (s: Exclude<Source, string>): s is { text: string; file: string } => typeof s.text === 'string' && typeof s.file === 'string' && Object.keys(s).length === 2;

/** JSON.stringify replacer: a function, symbol or bigint in an object source means "cannot tell" (the loader keeps such values by reference). */
function plainOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new Error('not plain data');
  return value;
}

/** mtime and size of every module file the spec imported (behaviour keys `module:/abs/file.js#export`). */
function moduleVersions(loaded: LoadedSpec): string {
  return [...loaded.modules.keys()]
    .map((key) => {
      const file = key.slice('module:'.length, key.lastIndexOf('#'));
      try {
        const { mtimeMs, size } = statSync(file);
        return `${file}@${mtimeMs}-${size}`;
      } catch {
        return `${file}@gone`;
      }
    })
    .join('\n');
}
