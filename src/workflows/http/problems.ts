/**
 * Workflow errors as problem+json (codes listed in the README): a bad workload carries each
 * problem (`workload.temperature: expected number…`), a finished execution its status. A
 * system without a `workflows` actor answers 404 `workflows_not_served`, one whose actor is
 * restarting 503 `workflows_unavailable`. Anything else is the gateway's to answer.
 */
import { StoreUnavailableError } from '../../eventstore/errors.js';
import { UnknownActorError } from '../../shared/errors.js';
import { problemDocument, type ProblemDocument } from '../../shared/problem.js';
import {
  ExecutionExistsError,
  ExecutionFinishedError,
  ExecutionNotFoundError,
  InvalidWorkflowRequestError,
  InvalidWorkloadError,
  TooManyExecutionsError,
  UnknownPlaybookError,
} from '../errors.js';

export interface WorkflowProblemAnswer {
  status: number;
  document: ProblemDocument;
  headers?: Record<string, string>;
}

const DETAIL_LIMIT = 2000;
const answer = (status: number, code: string, detail: string, extra?: Record<string, unknown>): WorkflowProblemAnswer => ({
  status,
  document: problemDocument(status, code, detail.length <= DETAIL_LIMIT ? detail : `${detail.slice(0, DETAIL_LIMIT)}…`, extra),
});

/** The answer for a workflow error, or undefined for an error that is not one. `actor`: the workflows actor's path. */
export function workflowProblem(error: unknown, actor: string): WorkflowProblemAnswer | undefined {
  if (error instanceof UnknownPlaybookError) return answer(404, 'unknown_playbook', error.message, { playbook: error.playbook });
  if (error instanceof InvalidWorkloadError) return answer(400, 'invalid_workload', error.message, { playbook: error.playbook, problems: error.problems.slice(0, 20) });
  if (error instanceof InvalidWorkflowRequestError) return answer(400, 'invalid_request', error.message);
  if (error instanceof ExecutionNotFoundError) return answer(404, 'execution_not_found', error.message, { executionId: error.executionId });
  if (error instanceof ExecutionExistsError) return answer(409, 'execution_exists', error.message, { executionId: error.executionId });
  if (error instanceof ExecutionFinishedError) return answer(409, 'execution_finished', error.message, { executionId: error.executionId, executionStatus: error.status });
  if (error instanceof TooManyExecutionsError) return { ...answer(429, 'too_many_executions', error.message, { limit: error.limit }), headers: { 'retry-after': '1' } };
  if (error instanceof StoreUnavailableError && error.cause instanceof UnknownActorError) {
    return answer(404, 'workflows_not_served', `this system runs no workflows actor (${actor}); add one (behaviour: workflows, as in systems/workflows.yaml) to run playbooks`);
  }
  if (error instanceof StoreUnavailableError && error.message.startsWith(actor)) return { ...answer(503, 'workflows_unavailable', error.message), headers: { 'retry-after': '1' } };
  return undefined;
}
