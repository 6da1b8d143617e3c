/**
 * The playbook boundary: file, text or object → every problem at once (positioned like system
 * files: FILE:LINE:COL: path: message, with the same YAML hardening), or a frozen Playbook and
 * its warnings. Syntax, then the schema, then rules.ts, then `run:` handlers (registered names,
 * module files and their exports).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseSource, type SourceDoc } from '../../spec/positions.js';
import { formatPath, issuesToProblems, problem, sortProblems } from '../../spec/problems.js';
import { deepFreeze } from '../../spec/normalize.js';
import { ConfigError, type ConfigProblem } from '../../shared/errors.js';
import { compileExpression, compileTemplate } from '../expressions.js';
import { parseRunRef, resolveHandler, type TaskHandler } from '../handlers.js';
import { reachability } from './graph.js';
import { checkRules } from './rules.js';
import { playbookFile, type RawPlaybookFile } from './schema.js';
import { ITERATOR_DEFAULTS, RETRY_DEFAULTS, type HandlerRef, type Playbook, type StepSpec, type StepType } from './types.js';

export interface PlaybookLoadOptions {
  /** Registered task handlers: `run:` names are checked against them. */
  readonly handlers: ReadonlyMap<string, TaskHandler>;
  /** Import `run:` modules to check their exports (default true). */
  readonly importModules?: boolean;
}

export interface LoadedPlaybook {
  readonly playbook: Playbook;
  /** Problems that do not stop it loading (a cycle without exit). */
  readonly warnings: readonly ConfigProblem[];
}

/** Loads a playbook file (YAML or JSON); throws ConfigError with every problem. */
export async function loadPlaybookFile(file: string, options: PlaybookLoadOptions): Promise<LoadedPlaybook> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file, line: 0, col: 0, path: '', message: `cannot read playbook file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  return loadPlaybookText(text, file, dirname(resolve(file)), options);
}

/** A playbook's text positioned as a file named `file`; module paths relative to `baseDir`. */
export async function loadPlaybookText(text: string, file: string, baseDir: string, options: PlaybookLoadOptions): Promise<LoadedPlaybook> {
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0) throw new ConfigError(source.syntaxErrors.map((e) => ({ file, line: e.line, col: e.col, path: formatPath(e.path), message: e.message })));
  return validate(source.value, file, baseDir, source, options);
}

/** An already-parsed playbook (embedded use); problems carry no line or column. */
export async function loadPlaybookObject(value: unknown, options: PlaybookLoadOptions & { baseDir?: string; file?: string }): Promise<LoadedPlaybook> {
  return validate(value, options.file ?? '<playbook>', options.baseDir ?? process.cwd(), undefined, options);
}

async function validate(raw: unknown, file: string, baseDir: string, source: SourceDoc | undefined, options: PlaybookLoadOptions): Promise<LoadedPlaybook> {
  const parsed = playbookFile.safeParse(raw);
  if (!parsed.success) throw new ConfigError(sortProblems(issuesToProblems(parsed.error.issues, raw, file, source)));
  const rules = checkRules(parsed.data);
  const at = (p: { path: readonly (string | number)[]; message: string; atKey?: boolean }) => problem(file, source, p.path, p.message, p.atKey);
  const problems = rules.problems.map(at);
  if (problems.length === 0) problems.push(...(await handlerProblems(parsed.data, baseDir, options)).map(at));
  if (problems.length > 0) throw new ConfigError(sortProblems(problems));
  const definition = normalize(parsed.data, baseDir);
  return { playbook: compilePlaybook(definition, source ? resolve(file) : undefined), warnings: rules.warnings.map(at) };
}

async function handlerProblems(raw: RawPlaybookFile, baseDir: string, options: PlaybookLoadOptions) {
  const out: { path: (string | number)[]; message: string }[] = [];
  await Promise.all(
    raw.spec.workflow.map(async (s, i) => {
      if (s.run === undefined) return;
      const ref = parseRunRef(s.run, baseDir);
      if ('module' in ref && options.importModules === false) return;
      try {
        await resolveHandler(ref, options.handlers);
      } catch (error) {
        out.push({ path: ['spec', 'workflow', i, 'run'], message: (error as Error).message });
      }
    }),
  );
  return out;
}

/** The definition as plain JSON: defaults applied, module paths absolute. What the digest is taken of. */
export interface PlaybookDefinition {
  name: string;
  description?: string;
  workload?: Record<string, { type: string; default?: unknown; required: boolean; enum?: unknown[]; description?: string }>;
  steps: {
    step: string;
    desc?: string;
    type: StepType;
    run?: HandlerRef;
    with?: unknown;
    retry: { maxAttempts: number; initialMs: number; factor: number; maxMs: number };
    timeoutMs?: number;
    iterator?: { collection: string; element: string; mode: 'sequential' | 'async'; concurrency: number; where?: string; orderBy?: { by: string; order: 'asc' | 'desc' }; limit?: number; chunk?: number };
    join: 'all' | 'any';
    next: { step: string; when?: string; with?: unknown }[];
  }[];
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function normalize(raw: RawPlaybookFile, baseDir: string): PlaybookDefinition {
  const workload = raw.spec.workload;
  return defined({
    name: raw.metadata.name,
    description: raw.metadata.description,
    workload:
      workload &&
      Object.fromEntries(
        Object.entries(workload).map(([k, f]) => [k, defined({ type: f.type ?? 'any', default: f.default, required: f.required ?? f.default === undefined, enum: f.enum, description: f.description })]),
      ),
    steps: raw.spec.workflow.map((s) => {
      const it = s.iterator;
      const orderBy = it?.orderBy === undefined ? undefined : typeof it.orderBy === 'string' ? { by: it.orderBy, order: 'asc' as const } : { by: it.orderBy.by, order: it.orderBy.order ?? 'asc' };
      return defined({
        step: s.step,
        desc: s.desc,
        type: s.type ?? 'task',
        run: s.run === undefined ? undefined : parseRunRef(s.run, baseDir),
        with: s.with,
        retry: { ...RETRY_DEFAULTS, ...(defined({ maxAttempts: s.retry?.maxAttempts, ...s.retry?.backoff }) as Partial<typeof RETRY_DEFAULTS>) },
        timeoutMs: s.timeoutMs,
        iterator:
          it &&
          defined({
            collection: it.collection,
            element: it.element ?? ITERATOR_DEFAULTS.element,
            mode: it.mode ?? ITERATOR_DEFAULTS.mode,
            concurrency: it.concurrency ?? ITERATOR_DEFAULTS.concurrency,
            where: it.where,
            orderBy,
            limit: it.limit,
            chunk: it.chunk,
          }),
        join: s.join ?? 'all',
        next: (s.next ?? []).map((n) => defined({ step: n.step, when: n.when, with: n.with })),
      });
    }),
  });
}

/**
 * A definition (validated before, by the loader, or stored by an earlier run of it) → the
 * frozen Playbook the broker reads: expressions compiled, reachability precomputed.
 */
export function compilePlaybook(definition: PlaybookDefinition, file?: string): Playbook {
  const digest = createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 32);
  const steps = new Map<string, StepSpec>();
  for (const s of definition.steps) {
    const it = s.iterator;
    steps.set(s.step, {
      step: s.step,
      ...(s.desc !== undefined ? { desc: s.desc } : {}),
      type: s.type,
      ...(s.run ? { run: s.run } : {}),
      ...(s.with !== undefined ? { with: compileTemplate(s.with) } : {}),
      retry: s.retry,
      ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      ...(it
        ? {
            iterator: {
              ...it,
              collection: compileExpression(it.collection),
              where: it.where === undefined ? undefined : compileExpression(it.where),
              orderBy: it.orderBy && { by: compileExpression(it.orderBy.by), order: it.orderBy.order },
            },
          }
        : {}),
      join: s.join,
      next: s.next.map((n) => ({ step: n.step, ...(n.when !== undefined ? { when: compileExpression(n.when) } : {}), ...(n.with !== undefined ? { with: compileTemplate(n.with) } : {}) })),
    });
  }
  const reach = reachability(new Map(definition.steps.map((s) => [s.step, s.next.map((n) => n.step)])));
  const playbook: Playbook = {
    name: definition.name,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    digest,
    ...(definition.workload ? { workload: definition.workload as Playbook['workload'] } : {}),
    steps,
    order: definition.steps.map((s) => s.step),
    start: definition.steps.find((s) => s.type === 'start')!.step,
    reach,
    ...(file ? { file } : {}),
    definition,
  };
  // Frozen data, except the compiled expressions (jsonata keeps state on them) and the Maps.
  deepFreeze(definition);
  return Object.freeze(playbook);
}
