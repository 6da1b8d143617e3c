/**
 * What leaves src/workflows (DESIGN §13): the two behaviours and their params, the playbook
 * loader, the pure broker, the execution log's vocabulary, the task handler types, the
 * client, and the errors.
 */
import type { z } from 'zod';
import { workflowsParams, workflowWorkerParams } from './params.js';

export { workflowBehaviours, type WorkflowBehaviourOptions } from './behaviours.js';
export { workflowsParams, workflowWorkerParams } from './params.js';
export { loadPlaybookFile, loadPlaybookText, loadPlaybookObject, type LoadedPlaybook, type PlaybookLoadOptions } from './playbook/load.js';
export { playbookJsonSchema } from './playbook/json-schema.js';
export type { Playbook, StepSpec, HandlerRef } from './playbook/types.js';
export { decide, decideState, type Command, type Decision, type TaskSpec } from './broker/decide.js';
export { fold, type ExecutionState } from './broker/state.js';
export { executionView, type ExecutionView, type StepView } from './broker/view.js';
export { executionStream, EXECUTION_EVENT_TYPES, type ExecutionEventType, type ExecutionEventData, type AnyExecutionEvent } from './log.js';
export { BUILTIN_HANDLERS, NonRetryableError, type TaskContext, type TaskHandler, type TaskFunction } from './handlers.js';
export { workflows, workflowsClient, type WorkflowsClient } from './client.js';
export * from './errors.js';

/** Params schemas of the workflow built-ins, by behaviour name (checked at config load like the event store's). */
export const workflowParamsSchemas: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['workflows', workflowsParams],
  ['workflow-worker', workflowWorkerParams],
]);
