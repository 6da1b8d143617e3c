/** Params of the `store` behaviour (checked at config load, parsed with defaults at start). */
import { z } from 'zod';

export const storeParams = z
  .object({
    /** Sibling id of the persistence actor. */
    persistence: z.string().default('persistence'),
    /** How long a request waits for persistence (restarting, busy) before it fails as unavailable. */
    timeoutMs: z.number().int().min(1).default(5000),
  })
  .strict();
