/** Params of the `notification` behaviour (checked at config load, parsed with defaults at start; described in systems/schema.json). */
import { z } from 'zod';

export const notificationParams = z
  .object({
    persistence: z.string().default('persistence').describe('Sibling id of the persistence actor it reads from.'),
    pageSize: z.number().int().min(1).max(10_000).default(500).describe('Events per journal read while catching up.'),
    timeoutMs: z.number().int().min(1).default(5000).describe('How long a read may wait for persistence before the subscription fails, ms.'),
  })
  .strict();
