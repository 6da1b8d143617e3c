/**
 * A loaded playbook: validated once at the boundary (load.ts), defaults applied, expressions
 * compiled, module paths absolute, the step graph's reachability precomputed; then frozen.
 * The broker reads only this.
 */
import type { Expression, Template } from '../expressions.js';
import type { PlaybookDefinition } from './load.js';

export type StepType = 'task' | 'start' | 'end' | 'route';

/** What runs an action: a registered handler name, or an export of a module file (absolute path). */
export type HandlerRef = { readonly name: string } | { readonly module: string; readonly export: string };

export interface NextSpec {
  readonly step: string;
  readonly when?: Expression;
  readonly with?: Template;
}

export interface RetrySpec {
  readonly maxAttempts: number;
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

export interface IteratorSpec {
  readonly collection: Expression;
  readonly element: string;
  readonly mode: 'sequential' | 'async';
  readonly concurrency: number;
  readonly where?: Expression;
  readonly orderBy?: { readonly by: Expression; readonly order: 'asc' | 'desc' };
  readonly limit?: number;
  readonly chunk?: number;
}

export interface StepSpec {
  readonly step: string;
  readonly desc?: string;
  readonly type: StepType;
  readonly run?: HandlerRef;
  readonly with?: Template;
  readonly retry: RetrySpec;
  readonly timeoutMs?: number;
  readonly iterator?: IteratorSpec;
  readonly join: 'all' | 'any';
  readonly next: readonly NextSpec[];
}

export type WorkloadType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'any';

export interface WorkloadField {
  readonly type: WorkloadType;
  readonly default?: unknown;
  readonly required: boolean;
  readonly enum?: readonly unknown[];
  readonly description?: string;
}

export interface Playbook {
  readonly name: string;
  readonly description?: string;
  /** sha256 of the normalized definition: an execution names the version it started with. */
  readonly digest: string;
  /** Absent: any JSON object is a workload. */
  readonly workload?: Readonly<Record<string, WorkloadField>>;
  readonly steps: ReadonlyMap<string, StepSpec>;
  /** Step names in file order. */
  readonly order: readonly string[];
  readonly start: string;
  /** Every step reachable from a step by following `next` (one or more transitions). */
  readonly reach: ReadonlyMap<string, ReadonlySet<string>>;
  /** Where it came from (absolute path), when it came from a file. */
  readonly file?: string;
  /** The normalized definition the digest is taken of (JSON), kept so an execution can outlive an edit of its file. */
  readonly definition: PlaybookDefinition;
}

export const RETRY_DEFAULTS = Object.freeze({ maxAttempts: 1, initialMs: 1000, factor: 2, maxMs: 60_000 });
export const ITERATOR_DEFAULTS = Object.freeze({ element: 'item', mode: 'sequential' as const, concurrency: 10 });
