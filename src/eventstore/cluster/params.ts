/** Params of the `cluster` behaviour (checked at config load, parsed with defaults at start; described in systems/schema.json). */
import { z } from 'zod';
import { pgParamFields } from '../postgres/connection.js';

export const clusterParams = z
  .object({
    backend: z
      .enum(['local', 'postgres'])
      .default('local')
      .describe('Where membership lives: local (a single node, always its own leader) or postgres (membership rows with heartbeats, the leader by advisory lock).'),
    ...pgParamFields,
    heartbeatMs: z.number().int().min(10).max(600_000).default(1000).describe('How often a node renews its membership row and, as leader, its lease; followers try for the leadership this often, ms. Only with backend: postgres.'),
    ttlMs: z
      .number()
      .int()
      .min(30)
      .max(3_600_000)
      .default(5000)
      .describe('A member not heard from this long has left; a leader not renewed this long has lost its lease. At least 3 × heartbeatMs, ms. Only with backend: postgres.'),
  })
  .strict()
  .refine((p) => p.ttlMs >= 3 * p.heartbeatMs, { message: 'ttlMs must be at least 3 × heartbeatMs', path: ['ttlMs'] });

export type ClusterParams = z.infer<typeof clusterParams>;
