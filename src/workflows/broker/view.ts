/**
 * What `GET /api/v1/executions/{id}` answers: an execution's status, result or error, and
 * each step run with its attempts and output, all read from the fold of its log.
 */
import type { ErrorInfo } from '../log.js';
import type { ExecutionState, ExecutionStatus } from './state.js';

export interface StepView {
  readonly step: string;
  readonly visit: number;
  readonly status: 'running' | 'completed';
  readonly startedAt?: string;
  readonly completedAt?: string;
  /** The highest attempt of its actions (0 for a route). */
  readonly attempts: number;
  /** Iterator steps: elements in all, and completed. */
  readonly elements?: { readonly total: number; readonly completed: number };
  readonly output?: unknown;
  /** The last failure of an action of it, if any is waiting for its retry. */
  readonly error?: ErrorInfo;
}

export interface ExecutionView {
  readonly executionId: string;
  readonly playbook: string;
  readonly status: Exclude<ExecutionStatus, 'new'>;
  readonly workload: unknown;
  readonly result?: unknown;
  readonly error?: { readonly step: string; readonly error: ErrorInfo };
  readonly reason?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly steps: StepView[];
  /** Events in its log. */
  readonly events: number;
}

export function executionView(state: ExecutionState): ExecutionView {
  const steps: StepView[] = [...state.runs.values()].map((run) => {
    const failure = run.actions.find((a) => a?.failure)?.failure;
    return {
      step: run.step,
      visit: run.visit,
      status: run.status,
      ...(run.startedAt ? { startedAt: run.startedAt } : {}),
      ...(run.completedAt ? { completedAt: run.completedAt } : {}),
      attempts: run.actions.reduce((m, a) => Math.max(m, a?.attempt ?? 0), 0),
      ...(run.elements ? { elements: { total: run.elements.length, completed: run.completedActions } } : {}),
      ...(run.status === 'completed' ? { output: run.output } : {}),
      ...(failure ? { error: failure.error } : {}),
    };
  });
  return {
    executionId: state.id,
    playbook: state.playbook,
    status: state.status === 'new' ? 'running' : state.status,
    workload: state.workload,
    ...(state.status === 'completed' ? { result: state.result } : {}),
    ...(state.failure ? { error: state.failure } : {}),
    ...(state.cancelReason !== undefined ? { reason: state.cancelReason } : {}),
    ...(state.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state.endedAt ? { endedAt: state.endedAt } : {}),
    steps,
    events: state.length,
  };
}
