/**
 * The config file schema (zod 4): strict objects everywhere (unknown keys are errors).
 * Worker and supervisor share one child shape so problems stay precise; which keys belong
 * to which kind is checked by rules.ts. The descriptions, defaults and ids here are metadata
 * only: json-schema.ts builds systems/schema.json from these pieces, split by kind.
 */
import { z } from 'zod';
import { DEFAULTS } from './types.js';

export const ID_PATTERN = /^[a-z][a-z0-9-]*$/;

const id = z
  .string()
  .regex(ID_PATTERN, { error: 'must match [a-z][a-z0-9-]* (lower case letters, digits, dashes)' })
  .meta({ id: 'id', description: 'Lower case letters, digits and dashes, starting with a letter; unique among siblings. The path is the parent path plus /id (root/store).' });
const ms = z.number().int().min(0);
const positiveMs = z.number().int().min(1);

export const strategy = z.enum(['one_for_one', 'one_for_all', 'rest_for_one']).meta({
  id: 'strategy',
  description: 'What a supervisor restarts when a child exits: one_for_one only that child; one_for_all every child; rest_for_one that child and every child started after it.',
});
export const restart = z.enum(['permanent', 'transient', 'temporary']).meta({
  id: 'restart',
  description: 'When a child is restarted: permanent always; transient only after an abnormal exit; temporary never.',
});
export const autoShutdown = z.enum(['never', 'any_significant', 'all_significant']).meta({
  id: 'autoShutdown',
  description: 'OTP auto_shutdown: never (default); any_significant: the supervisor completes (status completed, exit normal) when any significant child has exited on its own; all_significant: when every significant child has.',
});
export const placement = z.enum(['any', 'leader']).meta({
  id: 'placement',
  description: 'Where the child runs in a cluster: any (every node, default) or leader (a cluster singleton: only on the node the cluster actor elected; status standby elsewhere, stopped when the node steps down).',
});
export const startMode = z.enum(['sequential', 'parallel']).meta({
  id: 'start',
  description: 'sequential: each child is started (and ready) before the next; parallel: all at once.',
});
const shutdown = z
  .union([ms, z.literal('brutal_kill'), z.literal('infinity')], {
    error: 'expected milliseconds (an integer ≥ 0), "brutal_kill" or "infinity"',
  })
  .meta({
    id: 'shutdown',
    description: 'How long a stop may take before the child is killed: milliseconds (an integer ≥ 0), "brutal_kill" (at once) or "infinity" (wait for it).',
  });

export const intensity = z
  .strictObject({
    maxRestarts: z.number().int().min(0).describe('Restarts allowed within periodMs; one more and the supervisor gives up (exits, and its own supervisor decides).'),
    periodMs: positiveMs.describe('The sliding window the restarts are counted in, ms.'),
  })
  .meta({ id: 'intensity', description: 'Restart intensity (OTP MaxR/MaxT): the most restarts a supervisor makes within a window.', default: { ...DEFAULTS.intensity } });
export const backoff = z
  .strictObject({
    initialMs: ms.optional().meta({ description: 'Delay before the first restart, ms.', default: DEFAULTS.backoff.initialMs }),
    maxMs: ms.optional().meta({ description: 'Largest delay, ms.', default: DEFAULTS.backoff.maxMs }),
    factor: z.number().min(1).optional().meta({ description: 'Each further restart waits this many times longer.', default: DEFAULTS.backoff.factor }),
    jitter: z.number().min(0).max(1).optional().meta({ description: 'Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter].', default: DEFAULTS.backoff.jitter }),
    resetAfterMs: ms.optional().meta({ description: 'A child that ran this long since its last start begins the curve again, ms.', default: DEFAULTS.backoff.resetAfterMs }),
  })
  .meta({ id: 'backoff', description: 'Delays between restarts: initialMs, then × factor up to maxMs. Absent: restart at once (OTP behaviour).' });
const readiness = z
  .strictObject({
    mode: z.enum(['auto', 'signal', 'on-start']).optional().meta({
      description: 'auto: a machine with a `ready` tag is ready when its snapshot has it, logic declared readyBySignal when it emits {type:"ready"}, anything else once started; signal: wait for the tag or the emit; on-start: ready once started.',
      default: 'auto',
    }),
    required: z.boolean().optional().describe('Counts toward system_ready (and /readyz). Default: true for children of the root, false below and for placement: leader children (which cannot be required).'),
    timeoutMs: positiveMs.optional().meta({ description: 'Not ready this long after starting: readiness_timeout, and the child is restarted, ms.', default: DEFAULTS.readinessTimeoutMs }),
  })
  .meta({ id: 'readiness', description: 'When the child counts as ready.' });
const mailbox = z
  .strictObject({
    capacity: z.number().int().min(1).optional().meta({ description: 'Messages waiting at most.', default: DEFAULTS.mailbox.capacity }),
    overflow: z.enum(['drop_newest', 'drop_oldest', 'reject']).optional().meta({
      description: 'When the mailbox is full: drop the new message, drop the oldest waiting one, or refuse it (the send throws MailboxFullError).',
      default: DEFAULTS.mailbox.overflow,
    }),
  })
  .meta({ id: 'mailbox', description: "The worker's bounded mailbox." });

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
  autoShutdown?: z.infer<typeof autoShutdown>;
  significant?: boolean;
  inputs?: string[];
  placement?: z.infer<typeof placement>;
  children?: RawChild[];
}

/**
 * The keys of a child except `children`, in the order problems are reported. Which belong to
 * which kind is rules.ts's; `shutdown`'s default depends on the kind (json-schema.ts gives it).
 */
export const childFields = {
  id,
  behaviour: z.string().min(1).optional().describe('A registered behaviour name: a built-in (see examples) or one the embedder registered.'),
  module: z.string().min(1).optional().describe('./file.js#export, relative to the config file: XState logic to run (default export without #).'),
  params: z.record(z.string(), z.unknown()).optional().describe('Passed to the actor as XState input; a built-in checks its own (see its params definition).'),
  restart: restart.optional().meta({ default: 'permanent' }),
  shutdown: shutdown.optional(),
  readiness: readiness.optional(),
  mailbox: mailbox.optional(),
  backoff: backoff.optional().describe("Per child; absent: the supervisor's backoff, or restart at once when it has none."),
  strategy: strategy.optional().meta({ default: 'one_for_one' }),
  start: startMode.optional().meta({ default: 'sequential' }),
  intensity: intensity.optional(),
  autoShutdown: autoShutdown.optional().meta({ default: 'never' }),
  significant: z
    .boolean()
    .optional()
    .meta({ description: "Its own exit (not a stop by its supervisor) counts toward its supervisor's autoShutdown. Only transient or temporary children, under a supervisor whose autoShutdown is not never.", default: false }),
  inputs: z
    .array(z.string().min(1))
    .optional()
    .describe('Pipeline links: what these actors (sibling ids, or paths such as root/a/b) output with runtimeOf(self).output(message) arrives in this worker\'s mailbox, in order, never dropped. No cycles.'),
  placement: placement.optional().meta({ default: 'any' }),
};

export const child: z.ZodType<RawChild> = z.strictObject({
  ...childFields,
  get children(): z.ZodOptional<z.ZodArray<z.ZodType<RawChild>>> {
    return z.array(child).optional();
  },
});

/** `spec` without `children` (json-schema.ts adds its own, split by kind). */
export const specFields = {
  node: z.string().min(1).optional().describe('This node\'s name, carried by every event and used for cluster membership. Default: the hostname.'),
  admin: z
    .strictObject({
      host: z.string().min(1).optional().meta({ description: 'Interface the admin endpoint listens on.', default: DEFAULTS.admin.host }),
      port: z.number().int().min(0).max(65535).optional().meta({ description: 'Admin port; 0 = any free port.', default: DEFAULTS.admin.port }),
      token: z
        .string()
        .min(16)
        .optional()
        .describe('Bearer token the write API (params, restart, kill, apply) requires; at least 16 characters. Prefer OVERSEER_ADMIN_TOKEN or --admin-token over writing it here. Required when host is not a loopback address.'),
      allowedHosts: z
        .array(z.string().min(1))
        .optional()
        .meta({ description: 'Host names (without port) the write API accepts in the Host header besides loopback names and admin.host (DNS-rebinding protection).', default: [] }),
    })
    .optional()
    .describe('The admin HTTP endpoint (/livez, /readyz, /health, /status, /metrics, /events, and the write API).'),
  dataDir: z.string().min(1).optional().meta({ description: 'Where built-ins keep their files, relative to the config file.', default: DEFAULTS.dataDir }),
  stopTimeoutMs: positiveMs.optional().meta({ description: 'Overall deadline for stopping the whole tree, ms.', default: DEFAULTS.stopTimeoutMs }),
  drainMs: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'After SIGTERM turns /readyz 503, wait this long before stopping the tree (preStop-style), ms.', default: DEFAULTS.drainMs }),
  strategy: strategy.optional().meta({ default: 'one_for_one' }),
  start: startMode.optional().meta({ default: 'parallel' }),
  intensity: intensity.optional(),
  backoff: backoff.optional().describe("The root's backoff, and its children's unless they have their own; absent: restart at once."),
};

export const fileFields = {
  apiVersion: z.literal('overseer/v1').describe('Config format version.'),
  kind: z.literal('System').describe('What this file describes.'),
  metadata: z.strictObject({ name: z.string().min(1).describe('The system\'s name, carried by every event; serviceId in /health.') }).describe('About the system.'),
};

export const systemFile = z.strictObject({
  ...fileFields,
  spec: z.strictObject({ ...specFields, children: z.array(child) }),
});

export type RawSystemFile = z.infer<typeof systemFile>;
