/**
 * Params of the `persistence` behaviour, checked when the config is loaded (positioned
 * problems) and parsed again, with defaults, when the actor starts.
 */
import { z } from 'zod';

export const persistenceParams = z
  .object({
    /** `sqlite` (durable, default) or `memory` (tests; lost when the process ends). */
    backend: z.enum(['sqlite', 'memory']).default('sqlite'),
    /** Database file, relative to the system's dataDir (or absolute). */
    file: z.string().min(1).default('events.db'),
    /** `full`: a commit survives power loss. `normal`: faster; survives a process crash, may lose the last commits on power loss. */
    synchronous: z.enum(['full', 'normal']).default('full'),
    /** Appends per transaction at most. */
    maxBatch: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();

export type PersistenceParams = z.infer<typeof persistenceParams>;
