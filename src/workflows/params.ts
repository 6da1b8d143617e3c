/**
 * Params of the `workflows` and `workflow-worker` behaviours: checked when the config loads
 * (positioned problems, `overseer check`), parsed with defaults when the actor starts; the
 * descriptions go into systems/schema.json.
 */
import { z } from 'zod';

const int = (min: number) => z.number().int().min(min);

export const workflowsParams = z
  .object({
    playbooks: z
      .array(z.string().min(1))
      .default([])
      .describe('Playbook files, or directories whose .yaml, .yml and .json files are playbooks, relative to the config file. A file that does not load is logged problem by problem and left out; the others run.'),
    file: z.string().min(1).default('workflows.db').describe("The task queue and execution index (SQLite), relative to the system's dataDir (or absolute)."),
    store: z.string().default('store').describe('Sibling id of the store actor (the execution logs are its streams).'),
    notification: z.string().default('notification').describe('Sibling id of the notification actor.'),
    leaseMs: int(100).default(30_000).describe('How long a worker holds a task without a heartbeat; then the task goes back to the queue (another worker runs it), ms.'),
    maxDeliveries: int(1).max(1000).default(5).describe('Times a task is handed out whose lease runs out each time; then it is a dead letter and its action fails.'),
    redelivery: z
      .object({
        initialMs: int(0).default(1000).describe('Wait before handing out a task whose lease ran out, ms.'),
        factor: z.number().min(1).default(2).describe('Each further redelivery of the same task waits this many times longer.'),
        maxMs: int(0).default(60_000).describe('Longest wait before a redelivery, ms.'),
      })
      .strict()
      .default({ initialMs: 1000, factor: 2, maxMs: 60_000 })
      .describe('Backoff between deliveries of a task whose lease ran out.'),
    maxActive: int(1).default(10_000).describe('Executions running at once at most; a create beyond answers 429 too_many_executions.'),
    requestTimeoutMs: int(1).default(5000).describe('How long a request to the store may take before it counts as unavailable, ms.'),
  })
  .strict();

export const workflowWorkerParams = z
  .object({
    workflows: z.string().default('workflows').describe('Sibling id of the workflows actor it takes tasks from.'),
    concurrency: int(1).max(10_000).default(1).describe('Tasks it runs at once.'),
    pollMs: int(1).default(1000).describe('How long one request for a task waits for one to become due (a long poll), ms.'),
    retryMs: int(1).default(500).describe('Wait after the workflows actor did not answer (restarting), ms.'),
  })
  .strict();

export type WorkflowsParams = z.infer<typeof workflowsParams>;
export type WorkflowWorkerParams = z.infer<typeof workflowWorkerParams>;
