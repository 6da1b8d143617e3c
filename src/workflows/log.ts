/**
 * The execution log (DESIGN §13): one event-store stream per execution, `execution-{id}`,
 * and the closed set of its event types with their data. Every event's id is derived from
 * (execution, kind, step, visit, index, attempt), so deciding twice over the same log proposes
 * the same ids and the store's idempotent append keeps one copy.
 */

export const EXECUTION_STREAM_PREFIX = 'execution-';
export const EXECUTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const executionStream = (id: string): string => `${EXECUTION_STREAM_PREFIX}${id}`;

/** The execution id of a stream name, or undefined when it is not an execution stream. */
export function executionOf(stream: string): string | undefined {
  if (!stream.startsWith(EXECUTION_STREAM_PREFIX)) return undefined;
  const id = stream.slice(EXECUTION_STREAM_PREFIX.length);
  return EXECUTION_ID.test(id) ? id : undefined;
}

/** Where a step run came from: `start`, or the key (`step#visit`) of the run that completed. */
export interface Arrival {
  readonly step: string;
  readonly from: string;
  readonly input: unknown;
}

export interface ErrorInfo {
  readonly message: string;
  /** `timeout`, `lease_lost`, `dead_letter`, `unknown_handler`, `expression`, or the handler error's own `code`. */
  readonly code?: string;
}

/** Step-level events name the run: `step` and its `visit` (1 unless the workflow loops back to it). */
interface RunRef {
  readonly step: string;
  readonly visit: number;
}
/** Action-level events name the element (`index`, iterators only) and the attempt. */
interface ActionRef extends RunRef {
  readonly index?: number;
  readonly attempt: number;
}

export interface ExecutionEventData {
  execution_started: { readonly playbook: string; readonly digest: string; readonly workload: unknown; readonly next: readonly Arrival[] };
  /** `input`: the step's input (what its arrivals carried); `with`: the handler's, when the step renders one. */
  step_started: RunRef & { readonly from: readonly string[]; readonly input: unknown; readonly with?: unknown; readonly elements?: readonly unknown[]; readonly absorbs?: readonly string[] };
  /** `input`: the element; `with`: the handler's input, when the step renders one. */
  iteration_started: RunRef & { readonly index: number; readonly input: unknown; readonly with?: unknown };
  action_started: ActionRef & { readonly worker?: string };
  action_completed: ActionRef & { readonly output: unknown };
  action_failed: ActionRef & { readonly error: ErrorInfo; readonly retryable: boolean };
  action_retry: ActionRef & { readonly delayMs: number };
  iterator_completed: RunRef & { readonly count: number };
  step_completed: RunRef & { readonly output: unknown; readonly next: readonly Arrival[] };
  expression_failed: RunRef & { readonly field: string; readonly expression: string; readonly error: string };
  execution_completed: { readonly result: unknown; readonly from: readonly string[] };
  execution_failed: { readonly step: string; readonly error: ErrorInfo };
  execution_cancelled: { readonly reason?: string };
}

export type ExecutionEventType = keyof ExecutionEventData;

export const EXECUTION_EVENT_TYPES: readonly ExecutionEventType[] = [
  'execution_started',
  'step_started',
  'iteration_started',
  'action_started',
  'action_completed',
  'action_failed',
  'action_retry',
  'iterator_completed',
  'step_completed',
  'expression_failed',
  'execution_completed',
  'execution_failed',
  'execution_cancelled',
];

export const TERMINAL_TYPES: ReadonlySet<string> = new Set(['execution_completed', 'execution_failed', 'execution_cancelled']);

/** An event of the log as the broker proposes it (id derived) or reads it back (with its commit time). */
export interface ExecutionEvent<T extends ExecutionEventType = ExecutionEventType> {
  readonly id: string;
  readonly type: T;
  readonly data: ExecutionEventData[T];
  readonly time?: string;
}

export type AnyExecutionEvent = { [T in ExecutionEventType]: ExecutionEvent<T> }[ExecutionEventType];

const isActionLevel = (type: ExecutionEventType) => type.startsWith('action_') || type === 'iteration_started';

/**
 * The derived id: `{execution}:{type}[:{step}:{visit}[:{index}:{attempt}]][:{detail}]`. `detail`
 * tells apart events of one kind in one run that no counter does (which expression failed).
 */
export function eventId(execution: string, type: ExecutionEventType, data: Partial<ActionRef>, detail?: string): string {
  let id = `${execution}:${type}`;
  if (data.step !== undefined && type !== 'execution_failed') id += `:${data.step}:${data.visit ?? 1}`;
  if (isActionLevel(type)) id += `:${data.index ?? 0}:${data.attempt ?? 1}`;
  return detail === undefined ? id : `${id}:${detail}`;
}

/** Builds an event with its derived id. */
export function logEvent<T extends ExecutionEventType>(execution: string, type: T, data: ExecutionEventData[T], detail?: string): ExecutionEvent<T> {
  return { id: eventId(execution, type, data as Partial<ActionRef>, detail), type, data };
}

export const runKey = (step: string, visit: number): string => `${step}#${visit}`;
