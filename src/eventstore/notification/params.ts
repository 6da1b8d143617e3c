/** Params of the `notification` behaviour (checked at config load, parsed with defaults at start). */
import { z } from 'zod';

export const notificationParams = z
  .object({
    /** Sibling id of the persistence actor it reads from. */
    persistence: z.string().default('persistence'),
    /** Events per journal read while catching up. */
    pageSize: z.number().int().min(1).max(10_000).default(500),
    /** How long a read may wait for persistence before the subscription fails. */
    timeoutMs: z.number().int().min(1).default(5000),
  })
  .strict();
