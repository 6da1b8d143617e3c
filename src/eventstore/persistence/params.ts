/**
 * Params of the `persistence` behaviour, checked when the config is loaded (positioned
 * problems) and parsed again, with defaults, when the actor starts. The descriptions go
 * into systems/schema.json.
 */
import { z } from 'zod';
import { pgParamFields } from '../postgres/connection.js';

export const persistenceParams = z
  .object({
    backend: z
      .enum(['sqlite', 'memory', 'postgres'])
      .default('sqlite')
      .describe('sqlite (durable, one node), memory (tests; lost when the process ends) or postgres (durable, shared by every node of a cluster).'),
    file: z.string().min(1).default('events.db').describe("Database file, relative to the system's dataDir (or absolute)."),
    synchronous: z
      .enum(['full', 'normal'])
      .default('full')
      .describe(
        'full: an acknowledged append survives power loss. normal: faster; survives a process crash, may lose the last commits on power loss. On postgres: synchronous_commit on (full) or off (normal: may lose the last commits if the PostgreSQL server crashes).',
      ),
    maxBatch: z.number().int().min(1).max(100_000).default(1000).describe('Appends per transaction at most.'),
    recoveryProbeMs: z
      .number()
      .int()
      .min(1)
      .max(3_600_000)
      .default(1000)
      .describe('While the journal is unavailable (disk full, read-only, I/O error, file vanished): how often it probes for recovery, ms.'),
    integrityCheck: z.enum(['quick', 'off']).default('quick').describe('quick: PRAGMA quick_check when the journal is opened; a corrupt file is refused. off: no check.'),
    integrityCheckMaxBytes: z
      .number()
      .int()
      .min(0)
      .default(1024 * 1024 * 1024)
      .describe('The open check runs only on a journal (file + WAL) up to this many bytes, so a large journal still opens quickly.'),
    ...pgParamFields,
    poolSize: z.number().int().min(2).max(1000).default(10).describe('PostgreSQL connections at most (one commits appends, the rest serve reads). Only with backend: postgres.'),
  })
  .strict();

export type PersistenceParams = z.infer<typeof persistenceParams>;
