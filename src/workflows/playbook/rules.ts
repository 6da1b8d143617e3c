/**
 * What the playbook schema cannot say, checked on a schema-valid file: unique step names,
 * exactly one start and at least one end, the fields each step type takes, `next` naming
 * steps that exist, every step reachable from start, expressions that compile. A cycle that
 * nothing leaves is a warning: the file loads, but an execution entering it never ends.
 */
import type { ConfigPath } from '../../spec/positions.js';
import { compileExpression, compileTemplate, ExpressionError } from '../expressions.js';
import { closedCycles, reachability } from './graph.js';
import type { RawPlaybookFile, RawStep } from './schema.js';

export interface RuleProblem {
  readonly path: ConfigPath;
  readonly message: string;
  /** Point at the key (an unwanted field) rather than its value. */
  readonly atKey?: boolean;
}

/** Fields each step type refuses (the schema allows them all on every step). */
const REFUSED: Record<NonNullable<RawStep['type']>, readonly (keyof RawStep)[]> = {
  task: [],
  start: ['run', 'with', 'retry', 'timeoutMs', 'iterator', 'join'],
  route: ['run', 'with', 'retry', 'timeoutMs', 'iterator'],
  end: ['run', 'retry', 'timeoutMs', 'iterator', 'next'],
};

export function checkRules(file: RawPlaybookFile): { problems: RuleProblem[]; warnings: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const steps = file.spec.workflow;
  const at = (i: number, ...rest: (string | number)[]): ConfigPath => ['spec', 'workflow', i, ...rest];
  const indexOf = new Map<string, number>();
  steps.forEach((s, i) => {
    const first = indexOf.get(s.step);
    if (first !== undefined) problems.push({ path: at(i, 'step'), message: `duplicate step "${s.step}" (spec.workflow[${first}] has that name)` });
    else indexOf.set(s.step, i);
  });
  const names = [...indexOf.keys()].join(', ');
  const starts = steps.flatMap((s, i) => (s.type === 'start' ? [i] : []));
  if (starts.length === 0) problems.push({ path: ['spec', 'workflow'], message: 'no step has type: start; exactly one must' });
  for (const i of starts.slice(1)) problems.push({ path: at(i, 'type'), message: `a second start step; "${steps[starts[0]!]!.step}" is the start` });
  if (!steps.some((s) => s.type === 'end')) problems.push({ path: ['spec', 'workflow'], message: 'no step has type: end; at least one must' });

  steps.forEach((s, i) => {
    const type = s.type ?? 'task';
    const article = type === 'end' ? 'an' : 'a';
    for (const key of REFUSED[type]) if (s[key] !== undefined) problems.push({ path: at(i, key), message: `${article} ${type} step takes no ${key}`, atKey: true });
    if (type === 'task' && s.run === undefined) problems.push({ path: at(i), message: 'a task step needs run: (a handler name or ./module.js#export)' });
    if (type !== 'end' && (s.next ?? []).length === 0) problems.push({ path: at(i), message: `a ${type} step needs next: (the steps it leads to)` });
    (s.next ?? []).forEach((n, k) => {
      const target = indexOf.get(n.step);
      if (target === undefined) problems.push({ path: at(i, 'next', k, 'step'), message: `unknown step "${n.step}"; the steps are ${names}` });
      else if ((steps[target]!.type ?? 'task') === 'start') problems.push({ path: at(i, 'next', k, 'step'), message: `"${n.step}" is the start step; no transition may lead back to it` });
    });
    if (s.iterator?.concurrency !== undefined && s.iterator.mode !== 'async') problems.push({ path: at(i, 'iterator', 'concurrency'), message: 'concurrency applies to mode: async only' });
    problems.push(...expressionProblems(s, at(i)));
  });
  if (problems.length > 0) return { problems, warnings };

  const edges = new Map(steps.map((s) => [s.step, (s.next ?? []).map((n) => n.step)]));
  const start = steps[starts[0]!]!.step;
  const reached = reachability(edges).get(start)!;
  steps.forEach((s, i) => {
    if (s.step !== start && !reached.has(s.step)) problems.push({ path: at(i, 'step'), message: `unreachable: no chain of next from "${start}" leads to "${s.step}"` });
  });
  for (const cycle of closedCycles(edges)) {
    const first = indexOf.get(cycle[0]!)!;
    warnings.push({ path: at(first, 'step'), message: `cycle ${[...cycle, cycle[0]].join(' → ')} has no exit: an execution that enters it never reaches an end` });
  }
  return { problems, warnings };
}

/** Every expression of a step compiles (syntax); positioned at its field, with JSONata's message. */
function expressionProblems(s: RawStep, at: ConfigPath): RuleProblem[] {
  const out: RuleProblem[] = [];
  const expr = (source: string | undefined, path: ConfigPath) => {
    if (source === undefined) return;
    try {
      compileExpression(source);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      out.push({ path, message: `invalid expression ${JSON.stringify(source.slice(0, 80))}: ${error.message}` });
    }
  };
  const template = (value: unknown, path: ConfigPath) => {
    if (value === undefined) return;
    try {
      compileTemplate(value);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      const inner = (error as ExpressionError & { path?: (string | number)[] }).path ?? [];
      out.push({ path: [...path, ...inner], message: `invalid expression ${JSON.stringify(error.source.slice(0, 80))}: ${error.message}` });
    }
  };
  template(s.with, [...at, 'with']);
  (s.next ?? []).forEach((n, k) => {
    expr(n.when, [...at, 'next', k, 'when']);
    template(n.with, [...at, 'next', k, 'with']);
  });
  const it = s.iterator;
  if (it) {
    expr(it.collection, [...at, 'iterator', 'collection']);
    expr(it.where, [...at, 'iterator', 'where']);
    if (typeof it.orderBy === 'string') expr(it.orderBy, [...at, 'iterator', 'orderBy']);
    else expr(it.orderBy?.by, [...at, 'iterator', 'orderBy', 'by']);
  }
  return out;
}
