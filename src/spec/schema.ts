/**
 * The config file schema (zod 4): strict objects everywhere (unknown keys are errors).
 * Worker and supervisor share one child shape so problems stay precise; which keys belong
 * to which kind is checked by rules.ts. systems/schema.json is generated from this.
 */
import { z } from 'zod';

export const ID_PATTERN = /^[a-z][a-z0-9-]*$/;

const id = z.string().regex(ID_PATTERN, { error: 'must match [a-z][a-z0-9-]* (lower case letters, digits, dashes)' });
const ms = z.number().int().min(0);
const positiveMs = z.number().int().min(1);

export const strategy = z.enum(['one_for_one', 'one_for_all', 'rest_for_one']);
export const restart = z.enum(['permanent', 'transient', 'temporary']);
export const startMode = z.enum(['sequential', 'parallel']);
const shutdown = z.union([ms, z.literal('brutal_kill'), z.literal('infinity')], {
  error: 'expected milliseconds (an integer ≥ 0), "brutal_kill" or "infinity"',
});

export const intensity = z.strictObject({ maxRestarts: z.number().int().min(0), periodMs: positiveMs });
export const backoff = z.strictObject({
  initialMs: ms.optional(),
  maxMs: ms.optional(),
  factor: z.number().min(1).optional(),
  jitter: z.number().min(0).max(1).optional(),
  resetAfterMs: ms.optional(),
});
const readiness = z.strictObject({
  mode: z.enum(['auto', 'signal', 'on-start']).optional(),
  required: z.boolean().optional(),
  timeoutMs: positiveMs.optional(),
});
const mailbox = z.strictObject({
  capacity: z.number().int().min(1).optional(),
  overflow: z.enum(['drop_newest', 'drop_oldest', 'reject']).optional(),
});

export interface RawChild {
  id: string;
  behaviour?: string;
  module?: string;
  params?: Record<string, unknown>;
  restart?: z.infer<typeof restart>;
  shutdown?: number | 'brutal_kill' | 'infinity';
  readiness?: z.infer<typeof readiness>;
  mailbox?: z.infer<typeof mailbox>;
  backoff?: z.infer<typeof backoff>;
  strategy?: z.infer<typeof strategy>;
  start?: z.infer<typeof startMode>;
  intensity?: z.infer<typeof intensity>;
  children?: RawChild[];
}

export const child: z.ZodType<RawChild> = z.strictObject({
  id,
  behaviour: z.string().min(1).optional().describe('registered behaviour name (a worker)'),
  module: z.string().min(1).optional().describe('./file.js#export, relative to the config file (a worker)'),
  params: z.record(z.string(), z.unknown()).optional().describe('passed to the actor as XState input'),
  restart: restart.optional(),
  shutdown: shutdown.optional(),
  readiness: readiness.optional(),
  mailbox: mailbox.optional(),
  backoff: backoff.optional(),
  strategy: strategy.optional(),
  start: startMode.optional(),
  intensity: intensity.optional(),
  get children(): z.ZodOptional<z.ZodArray<z.ZodType<RawChild>>> {
    return z.array(child).optional();
  },
});

export const systemFile = z.strictObject({
  apiVersion: z.literal('overseer/v1'),
  kind: z.literal('System'),
  metadata: z.strictObject({ name: z.string().min(1) }),
  spec: z.strictObject({
    node: z.string().min(1).optional(),
    admin: z.strictObject({ host: z.string().min(1).optional(), port: z.number().int().min(0).max(65535).optional() }).optional(),
    dataDir: z.string().min(1).optional(),
    stopTimeoutMs: positiveMs.optional(),
    drainMs: z.number().int().min(0).optional(),
    strategy: strategy.optional(),
    start: startMode.optional(),
    intensity: intensity.optional(),
    backoff: backoff.optional(),
    children: z.array(child),
  }),
});

export type RawSystemFile = z.infer<typeof systemFile>;
