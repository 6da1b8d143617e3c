/** Writes a config into a temp dir (next to a copy of the fixture module) and loads or checks it. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatProblem } from '../../src/shared/errors.js';
import { loadSpecFile, type LoadOptions } from '../../src/spec/index.js';

export const behaviours = new Set(['counter', 'gateway']);
const fixtureModule = fileURLToPath(new URL('./fixtures/behaviours.mjs', import.meta.url));

export function writeConfig(text: string, name = 'system.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'overseer-spec-'));
  copyFileSync(fixtureModule, join(dir, 'behaviours.mjs'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The formatted problems of a config text, with the temp path replaced by FILE. */
export async function problemsOf(text: string, name?: string, env: Record<string, string> = {}): Promise<string[]> {
  return problemsWith(text, { behaviours, env }, name);
}

/** The same with the caller's load options (other behaviours, params schemas). */
export async function problemsWith(text: string, options: LoadOptions, name?: string): Promise<string[]> {
  const file = writeConfig(text, name);
  try {
    await loadSpecFile(file, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => formatProblem(p).replace(file, 'FILE'));
    throw error;
  }
  return [];
}

/** A valid document with `children` spliced in (YAML text, indented under spec.children). */
export function withChildren(children: string): string {
  return `apiVersion: overseer/v1\nkind: System\nmetadata: { name: t }\nspec:\n  children:\n${children}`;
}
