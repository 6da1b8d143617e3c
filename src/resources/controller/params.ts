/**
 * Params of the `controller` behaviour (DESIGN §12), checked when the config is loaded. The
 * reconcile and finalize functions are named as `./file.js#export`, relative to the config
 * file; a controller made with defineController() has them in code instead.
 */
import { z } from 'zod';
import { labelKeyProblem } from '../labels.js';

const functionRef = z
  .string()
  .regex(/^[^#]+(#[A-Za-z_$][\w$]*)?$/, 'expected ./file.js#exportName (relative to the config file)')
  .describe('A function exported by a module: ./file.js#exportName, relative to the config file (default export without #).');

export const controllerParams = z
  .object({
    kind: z.string().min(1).describe('The kind it reconciles (kind or plural), served by the resources actor.'),
    reconcile: functionRef.describe('reconcile(resource, ctx): nothing, { requeue: true } or { requeueAfterMs }; a throw is a failure, retried with backoff. ./file.js#export'),
    finalize: functionRef
      .optional()
      .describe('finalize(resource, ctx), run once a resource carrying this controller\'s finalizer is being deleted; when it returns nothing the finalizer is removed. ./file.js#export'),
    finalizer: z
      .string()
      .refine((f) => labelKeyProblem(f) === undefined, { message: 'a finalizer is a qualified name: [prefix/]name, as a label key (example.com/cleanup)' })
      .optional()
      .describe('The finalizer this controller adds to every resource it reconciles when it has a finalize (default overseer.dev/<controller id>).'),
    namespace: z.string().optional().describe('Only resources of this namespace (default: every namespace).'),
    labelSelector: z.string().optional().describe('Only resources matching this label selector (env=prod,tier in (web,api)).'),
    resyncPeriodMs: z.number().int().min(0).default(10_000).describe('Every key is queued again this often (0: never), so nothing depends on an event having been seen, ms.'),
    maxConcurrentReconciles: z.number().int().min(1).max(1000).default(1).describe('Keys reconciled at once; one key is never reconciled twice at once.'),
    reconcileTimeoutMs: z.number().int().min(1).default(300_000).describe('A reconcile taking longer fails (its ctx.signal aborts) and is retried with backoff, ms.'),
    backoff: z
      .object({
        baseMs: z.number().int().min(1).default(5).describe('Delay after the first failure of a key, ms; doubled per consecutive failure.'),
        maxMs: z.number().int().min(1).default(1_000_000).describe('Longest delay between retries of a key, ms.'),
      })
      .strict()
      .default({ baseMs: 5, maxMs: 1_000_000 })
      .describe("Per-key exponential backoff after failures (client-go's default rate limiter)."),
    resources: z.string().default('resources').describe('Sibling id of the resources actor.'),
    notification: z.string().default('notification').describe('Sibling id of the notification actor (the watch).'),
    timeoutMs: z.number().int().min(1).default(5000).describe('How long one request to the resources actor may take, ms.'),
  })
  .strict();

/** The params of a controller whose functions are given in code (defineController): no reconcile to import. */
export const definedControllerParams = controllerParams.extend({ reconcile: functionRef.optional() });

export type ControllerParams = z.infer<typeof controllerParams>;
