/**
 * A typed client for a `workflows` actor, over plain asks: what the gateway's routes use and
 * what embedders use instead of hand-written messages. An actor that is restarting (or too
 * slow) surfaces as StoreUnavailableError (its cause an UnknownActorError when there is none).
 * @example
 * const wf = workflows(system);
 * const { executionId } = await wf.create({ playbook: 'linear', workload: { value: 3 } });
 * console.log((await wf.get(executionId)).status);
 */
import { call, type AskFn } from '../eventstore/protocol.js';
import type { System } from '../system/system.js';
import type { ExecutionView } from './broker/view.js';
import type { PlaybookInfo } from './engine/engine.js';

export interface WorkflowsClient {
  /** The actor's path, e.g. `root/workflows`. */
  readonly path: string;
  /** Resolves once the execution's first events are stored. */
  create(request: { playbook: string; workload?: unknown; executionId?: string }): Promise<{ executionId: string; created: boolean }>;
  get(executionId: string): Promise<ExecutionView>;
  /** Resolves once execution_cancelled is stored. */
  cancel(executionId: string, reason?: string): Promise<ExecutionView>;
  playbooks(): Promise<{ playbooks: PlaybookInfo[] }>;
}

export function workflowsClient(ask: AskFn, path: string, timeoutMs = 5000): WorkflowsClient {
  return {
    path,
    create: (request) => call(ask, path, { type: 'create', ...request }, timeoutMs),
    get: (executionId) => call(ask, path, { type: 'get', executionId }, timeoutMs),
    cancel: (executionId, reason) => call(ask, path, { type: 'cancel', executionId, reason }, timeoutMs),
    playbooks: () => call(ask, path, { type: 'playbooks' }, timeoutMs),
  };
}

/** The client for the workflows actor of a running system (default `root/workflows`). */
export function workflows(system: System, path = 'root/workflows', timeoutMs = 5000): WorkflowsClient {
  return workflowsClient((p, m, o) => system.ask(p, m, o), path, timeoutMs);
}
