/**
 * Typed failures of the workflows API, each with a stable code (README, workflow errors) and
 * the facts a client needs: the gateway answers each with its own problem+json status.
 */
import type { WorkloadProblem } from './playbook/workload.js';

export type WorkflowErrorCode =
  | 'OVERSEER_ERR_UNKNOWN_PLAYBOOK'
  | 'OVERSEER_ERR_INVALID_WORKLOAD'
  | 'OVERSEER_ERR_EXECUTION_NOT_FOUND'
  | 'OVERSEER_ERR_EXECUTION_EXISTS'
  | 'OVERSEER_ERR_EXECUTION_FINISHED'
  | 'OVERSEER_ERR_TOO_MANY_EXECUTIONS'
  | 'OVERSEER_ERR_INVALID_WORKFLOW_REQUEST';

export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnknownPlaybookError extends WorkflowError {
  constructor(
    readonly playbook: string,
    known: readonly string[],
    rejected?: string,
  ) {
    super(
      'OVERSEER_ERR_UNKNOWN_PLAYBOOK',
      rejected ? `playbook "${playbook}" did not load: ${rejected}` : `no playbook "${playbook}" is registered; registered: ${known.join(', ') || 'none'}`,
    );
  }
}

export class InvalidWorkloadError extends WorkflowError {
  constructor(
    readonly playbook: string,
    readonly problems: readonly WorkloadProblem[],
  ) {
    super('OVERSEER_ERR_INVALID_WORKLOAD', `invalid workload for playbook ${playbook}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export class ExecutionNotFoundError extends WorkflowError {
  constructor(readonly executionId: string) {
    super('OVERSEER_ERR_EXECUTION_NOT_FOUND', `no execution "${executionId}"`);
  }
}

/** A create with the id of an execution that runs another playbook or workload. */
export class ExecutionExistsError extends WorkflowError {
  constructor(readonly executionId: string) {
    super('OVERSEER_ERR_EXECUTION_EXISTS', `execution "${executionId}" already exists with another playbook or workload`);
  }
}

export class ExecutionFinishedError extends WorkflowError {
  constructor(
    readonly executionId: string,
    readonly status: string,
  ) {
    super('OVERSEER_ERR_EXECUTION_FINISHED', `execution "${executionId}" has already ended (${status})`);
  }
}

export class TooManyExecutionsError extends WorkflowError {
  constructor(readonly limit: number) {
    super('OVERSEER_ERR_TOO_MANY_EXECUTIONS', `${limit} executions are running (maxActive); retry once some have ended`);
  }
}

export class InvalidWorkflowRequestError extends WorkflowError {
  constructor(message: string) {
    super('OVERSEER_ERR_INVALID_WORKFLOW_REQUEST', message);
  }
}
