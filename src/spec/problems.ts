/**
 * Turns zod issues and rule violations into positioned problems with messages that name the
 * bad value and what is allowed: `FILE:LINE:COL: spec.children[0].restart: invalid value
 * "sometimes"; expected one of permanent | transient | temporary`.
 */
import type { z } from 'zod';
import type { ConfigProblem } from '../shared/errors.js';
import type { ConfigPath, SourceDoc } from './positions.js';

export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

export function valueAt(root: unknown, path: ConfigPath): unknown {
  let v = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** One problem per zod issue (one per key for unknown keys). */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], raw: unknown, file: string, source: SourceDoc | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(problem(file, source, [...path, key], `unknown key "${key}"`, true));
      continue;
    }
    out.push(problem(file, source, path, describe(issue, valueAt(raw, path))));
  }
  return out;
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `required (expected ${issue.expected})` : `expected ${issue.expected}, got ${kind(value)} ${show(value)}`;
    case 'invalid_value':
      return `invalid value ${show(value)}; expected ${issue.values.length === 1 ? show(issue.values[0]) : `one of ${issue.values.map(String).join(' | ')}`}`;
    case 'too_small':
      return `${show(value)} is too small; must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `${show(value)} is too big; must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return `invalid ${show(value)}: ${issue.message}`;
    case 'invalid_union':
      return `invalid ${show(value)}: ${issue.message}`;
    default:
      return issue.message;
  }
}

export function problem(file: string, source: SourceDoc | undefined, path: ConfigPath, message: string, atKey = false): ConfigProblem {
  const { line, col } = source ? source.locate(path, atKey) : { line: 0, col: 0 };
  return { file, line, col, path: formatPath(path), message };
}

/**
 * Merges the problems of successive phases (schema, rules, modules) so a field is reported once:
 * a phase's problem at a path an earlier phase already reported is dropped.
 */
export function mergePhases(...phases: readonly (readonly ConfigProblem[])[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const reported = new Set<string>();
  for (const phase of phases) {
    out.push(...phase.filter((p) => !reported.has(p.path)));
    for (const p of phase) reported.add(p.path);
  }
  return out;
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
