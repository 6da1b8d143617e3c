/**
 * `module: ./file.js#export` references: resolved relative to the config file, imported,
 * and checked to be XState actor logic before anything starts. Each becomes a behaviour
 * registered under `module:<absolute path>#<export>`.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyActorLogic } from 'xstate';
import { isActorLogic } from '../actors/logic-traits.js';
import type { ConfigProblem } from '../shared/errors.js';
import type { ConfigPath, SourceDoc } from './positions.js';
import { problem } from './problems.js';
import type { ChildrenView } from './view.js';

export interface ModuleRef {
  path: ConfigPath;
  ref: string;
}

/** Every `module:` in the tree that is a string (others are schema problems), with its config path. */
export function moduleRefs(children: ChildrenView | undefined, base: ConfigPath = ['spec', 'children']): ModuleRef[] {
  return (children ?? []).flatMap((c, i) => [
    ...(c?.module !== undefined ? [{ path: [...base, i, 'module'], ref: c.module }] : []),
    ...(c?.children ? moduleRefs(c.children, [...base, i, 'children']) : []),
  ]);
}

export function behaviourKey(baseDir: string, ref: string): string {
  const [file, exportName] = splitRef(ref);
  return `module:${isAbsolute(file) ? file : resolve(baseDir, file)}#${exportName}`;
}

function splitRef(ref: string): [string, string] {
  const hash = ref.lastIndexOf('#');
  return hash < 0 ? [ref, 'default'] : [ref.slice(0, hash), ref.slice(hash + 1) || 'default'];
}

/** Imports every reference; returns the loaded logic by key and the problems found. */
export async function loadModules(refs: readonly ModuleRef[], baseDir: string, file: string, source: SourceDoc | undefined) {
  const modules = new Map<string, AnyActorLogic>();
  const problems: ConfigProblem[] = [];
  for (const { path, ref } of refs) {
    const key = behaviourKey(baseDir, ref);
    if (modules.has(key)) continue;
    const [, exportName] = splitRef(ref);
    const abs = key.slice('module:'.length, key.lastIndexOf('#'));
    if (!existsSync(abs)) {
      problems.push(problem(file, source, path, `module file not found: ${abs}`));
      continue;
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (error) {
      problems.push(problem(file, source, path, `cannot import ${abs}: ${(error as Error).message}`));
      continue;
    }
    const logic = mod[exportName];
    if (logic === undefined) {
      const names = Object.keys(mod).join(', ') || '(none)';
      problems.push(problem(file, source, path, `${abs} has no export "${exportName}"; it exports: ${names}`));
    } else if (!isActorLogic(logic)) {
      problems.push(problem(file, source, path, `export "${exportName}" of ${abs} is not XState actor logic (createMachine, fromCallback, …)`));
    } else {
      modules.set(key, logic);
    }
  }
  return { modules, problems };
}
