/**
 * The Playbook file schema (zod 4, DESIGN §13): strict objects everywhere, so an unknown key
 * is a positioned problem like in system files. What a shape cannot say (next names a step
 * that exists, one start, reachability, expressions that compile) is checked by rules.ts.
 * The descriptions and defaults are also what systems/playbooks/schema.json says.
 */
import { z } from 'zod';

export const STEP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const PLAYBOOK_NAME = /^[a-z][a-z0-9-]{0,63}$/;

const stepName = z.string().regex(STEP_NAME, { error: 'must match [A-Za-z][A-Za-z0-9_-]* (at most 64 characters)' });
const ms = z.number().int().min(1);

export const expression = z
  .string()
  .min(1)
  .max(10_000)
  .describe('A JSONata expression (https://jsonata.org), evaluated against { workload, steps, input, output, execution } (and the iterator element).');

export const template = z
  .unknown()
  .describe('Any JSON value; every string written "{% expression %}" is replaced by the value of that JSONata expression (a whole value, not interpolated). Other values are literal.');

const next = z
  .strictObject({
    step: stepName.describe('The step to go to.'),
    when: expression.optional().describe('Taken only when this JSONata expression is truthy; absent: always. An evaluation error counts as false and is logged as expression_failed.'),
    with: template.optional().describe('The value handed to the next step as its `input` (default: this step\'s output).'),
  })
  .describe('A transition: every matching one is taken (fan-out).');

const backoff = z
  .strictObject({
    initialMs: ms.optional().meta({ description: 'Delay before the second attempt, ms.', default: 1000 }),
    factor: z.number().min(1).max(100).optional().meta({ description: 'Each further attempt waits this many times longer.', default: 2 }),
    maxMs: ms.optional().meta({ description: 'Largest delay, ms.', default: 60_000 }),
  })
  .describe('Delays between attempts: initialMs, then × factor, up to maxMs.');

const retry = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(1000).optional().meta({ description: 'Attempts in all, the first included (1: no retry).', default: 1 }),
    backoff: backoff.optional(),
  })
  .describe('What a failed action (its handler threw, timed out, or its task was dead-lettered) does next.');

const orderBy = z.union([
  expression,
  z.strictObject({ by: expression.describe('The sort key of each element.'), order: z.enum(['asc', 'desc']).optional().meta({ description: 'Sort direction.', default: 'asc' }) }),
]);

const iterator = z
  .strictObject({
    collection: expression.describe('The array to iterate (a value that is not an array is one element; null or nothing: none).'),
    element: z
      .string()
      .regex(IDENTIFIER, { error: 'must be an identifier: [A-Za-z_][A-Za-z0-9_]*' })
      .optional()
      .meta({ description: 'The name each element has in `with`, `where` and `orderBy` expressions (with `index`).', default: 'item' }),
    mode: z.enum(['sequential', 'async']).optional().meta({ description: 'sequential: one element at a time, in order; async: up to `concurrency` at once.', default: 'sequential' }),
    concurrency: z.number().int().min(1).max(10_000).optional().meta({ description: 'Elements in flight at once in async mode.', default: 10 }),
    where: expression.optional().describe('Keeps the elements for which it is truthy (an error: false, and expression_failed).'),
    orderBy: orderBy.optional().describe('Sorts the elements by this key (a stable sort), or { by, order: desc }.'),
    limit: z.number().int().min(0).optional().describe('Keeps the first N elements (after where and orderBy).'),
    chunk: z.number().int().min(1).optional().describe('Groups the elements into arrays of this many (the last may be shorter); each array is one element.'),
  })
  .describe('Runs the action once per element; the step\'s output is the array of results, in element order whatever the mode.');

export const stepSchema = z
  .strictObject({
    step: stepName.describe('The step\'s name, unique in the playbook.'),
    desc: z.string().max(2000).optional().describe('What the step is for.'),
    type: z
      .enum(['task', 'start', 'end', 'route'])
      .optional()
      .meta({ description: 'start: where the execution begins (exactly one); task: runs `run`; route: only chooses `next`; end: completes the execution with `with` as its result.', default: 'task' }),
    run: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe('The task handler: a registered name (noop, echo, sleep, or one an embedder registered) or a module `./file.js#export`, relative to this file, exporting `async (input, ctx) => output`.'),
    with: template.optional().describe('task: the handler\'s input (default: the step\'s input); end: the execution\'s result (default: the step\'s input).'),
    retry: retry.optional(),
    timeoutMs: ms.optional().describe('An attempt that runs longer fails with a timeout (ctx.signal is aborted); it counts like any failure.'),
    iterator: iterator.optional(),
    join: z
      .enum(['all', 'any'])
      .optional()
      .meta({ description: 'When several branches lead here: all waits for every branch that can still arrive; any starts on the first and drops the others.', default: 'all' }),
    next: z.array(next).max(100).optional().describe('Where to go after this step: every transition whose `when` holds is taken.'),
  })
  .describe('One step of the workflow.');

const workloadField = z
  .strictObject({
    type: z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object', 'any']).optional().meta({ description: 'The JSON type the value must have.', default: 'any' }),
    default: z.unknown().optional().describe('Used when the workload leaves the field out (it is then not required).'),
    required: z.boolean().optional().describe('Whether the workload must give it (default: true unless there is a default).'),
    enum: z.array(z.unknown()).min(1).optional().describe('The values allowed.'),
    description: z.string().max(2000).optional(),
  })
  .describe('One input of the playbook.');

export const playbookFile = z
  .strictObject({
    apiVersion: z.literal('overseer/v1'),
    kind: z.literal('Playbook'),
    metadata: z.strictObject({
      name: z.string().regex(PLAYBOOK_NAME, { error: 'must match [a-z][a-z0-9-]* (at most 64 characters)' }).describe('What POST /api/v1/executions and `overseer run` call it.'),
      description: z.string().max(2000).optional(),
    }),
    spec: z.strictObject({
      workload: z
        .record(z.string().regex(IDENTIFIER, { error: 'must be an identifier: [A-Za-z_][A-Za-z0-9_]*' }), workloadField)
        .optional()
        .describe('The inputs an execution takes, by name; absent: any JSON object. Unknown fields of a workload are refused.'),
      workflow: z.array(stepSchema).min(1).max(1000).describe('The steps.'),
    }),
  })
  .meta({ title: 'Overseer playbook (overseer/v1, kind: Playbook)', description: 'A workflow: steps that name their next steps with conditions, run by the workflows actor.' });

export type RawPlaybookFile = z.infer<typeof playbookFile>;
export type RawStep = z.infer<typeof stepSchema>;
