/** Params of the `store` behaviour (checked at config load, parsed with defaults at start; described in systems/schema.json). */
import { z } from 'zod';

export const storeParams = z
  .object({
    persistence: z.string().default('persistence').describe('Sibling id of the persistence actor.'),
    timeoutMs: z.number().int().min(1).default(5000).describe('How long a request waits for persistence (restarting, busy) before it fails as unavailable, ms.'),
  })
  .strict();
