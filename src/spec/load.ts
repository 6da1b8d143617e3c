/**
 * The boundary: file or object → every problem at once, or a frozen SystemSpec plus the
 * logic loaded from `module:` references. Syntax first; then schema, rules, modules and env
 * all run (rules and modules on a tolerant view of the raw document), so none hides another.
 * Nothing but ConfigError leaves it for a bad file: hostile YAML and hanging modules are problems too.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AnyActorLogic } from 'xstate';
import type { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import { mergeOverrides, type SpecOverrides } from './env.js';
import { loadModules, moduleRefs, moduleTimeout } from './modules.js';
import { deepFreeze, normalize } from './normalize.js';
import { parseSource, type SourceDoc } from './positions.js';
import { formatPath, issuesToProblems, mergePhases, sortProblems } from './problems.js';
import { checkRules } from './rules.js';
import { systemFile } from './schema.js';
import type { SystemSpec } from './types.js';
import { childrenView } from './view.js';

export interface LoadOptions {
  /** Names of registered behaviours (built-ins + embedded). Unknown names are config errors. */
  behaviours: ReadonlySet<string>;
  /** Params schemas by behaviour name (the built-ins'): params are checked, with positions, at load. */
  params?: ReadonlyMap<string, z.ZodType>;
  /** Environment for OVERSEER_* overrides; default process.env. */
  env?: Record<string, string | undefined>;
  /** CLI flags / embedded options: they win over the environment, which wins over the file. */
  overrides?: SpecOverrides;
  /**
   * Import `module:` code in a child process that is killed after its verdict or its timeout
   * (check: only whether it resolves matters). LoadedSpec.modules is then empty.
   */
  isolateModules?: boolean;
}

export interface LoadedSpec {
  spec: SystemSpec;
  /** Logic loaded from `module:` refs, keyed by the WorkerSpec.behaviour assigned to them. */
  modules: ReadonlyMap<string, AnyActorLogic>;
}

/** Loads, validates and normalizes a YAML or JSON config file; throws ConfigError with every problem. */
export async function loadSpecFile(file: string, options: LoadOptions): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read config file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0) {
    throw new ConfigError(source.syntaxErrors.map((e) => ({ file, line: e.line, col: e.col, path: formatPath(e.path), message: e.message })));
  }
  return validate(source.value, file, dirname(resolve(file)), source, options);
}

/**
 * A config file's text that did not come from disk (`POST /apply`): positioned like a file
 * named `file`, with `module:` paths relative to `baseDir`.
 */
export async function loadSpecText(text: string, file: string, baseDir: string, options: LoadOptions): Promise<LoadedSpec> {
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0) {
    throw new ConfigError(source.syntaxErrors.map((e) => ({ file, line: e.line, col: e.col, path: '', message: `syntax error: ${e.message}` })));
  }
  return validate(source.value, file, baseDir, source, options);
}

/** The same rules for an already-parsed object (embedded API); problems carry no line/column. */
export async function loadSpecObject(input: unknown, options: LoadOptions & { baseDir?: string; file?: string }): Promise<LoadedSpec> {
  return validate(input, options.file ?? '<spec>', options.baseDir ?? process.cwd(), undefined, options);
}

async function validate(raw: unknown, file: string, baseDir: string, source: SourceDoc | undefined, options: LoadOptions): Promise<LoadedSpec> {
  const { overrides, problems: envProblems } = mergeOverrides(options.env ?? process.env, options.overrides);
  const parsed = systemFile.safeParse(raw);
  const schemaProblems = parsed.success ? [] : issuesToProblems(parsed.error.issues, raw, file, source);
  const children = childrenView(raw);
  const ruleProblems = checkRules(raw, children, options.behaviours, file, source, options.params);
  const timeout = moduleTimeout(options.env ?? process.env);
  const loaded = await loadModules(moduleRefs(children), baseDir, file, source, { timeoutMs: timeout.timeoutMs, isolate: options.isolateModules ?? false });
  const problems = [...mergePhases(schemaProblems, ruleProblems, loaded.problems), ...envProblems, ...timeout.problems];
  if (!parsed.success || problems.length > 0) throw new ConfigError(sortProblems(problems));
  const spec = deepFreeze(normalize(parsed.data, baseDir, overrides, source ? resolve(file) : undefined));
  return { spec, modules: loaded.modules };
}
