/** Params of the `notification` behaviour (checked at config load, parsed with defaults at start; described in systems/schema.json). */
import { z } from 'zod';
import { pgParamFields } from '../postgres/connection.js';

export const notificationParams = z
  .object({
    persistence: z.string().default('persistence').describe('Sibling id of the persistence actor it reads from.'),
    pageSize: z.number().int().min(1).max(10_000).default(500).describe('Events per journal read while catching up.'),
    timeoutMs: z.number().int().min(1).default(5000).describe('How long a read may wait for persistence before the subscription fails, ms.'),
    backend: z
      .enum(['local', 'postgres'])
      .default('local')
      .describe('local: woken by appends on this node only. postgres: also by appends on other nodes (LISTEN on the journal\'s channel; set with persistence backend: postgres).'),
    ...pgParamFields,
    pollMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .optional()
      .describe('Also read the journal\'s head this often and wake subscriptions when it moved (the fallback when a notice is missed), ms; 0 = never. Default: 1000 with backend: postgres, 0 otherwise.'),
  })
  .strict();
