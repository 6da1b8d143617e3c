/**
 * The validated, normalized spec: plain frozen data, the only thing the runtime reads.
 * Config files (YAML/JSON) and embedded callers both end up here after one validation pass;
 * nothing downstream re-validates. Defaults are already applied in these types.
 */

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** Milliseconds to wait for a graceful stop, `brutal_kill` (stop at once) or `infinity`. */
export type Shutdown = number | 'brutal_kill' | 'infinity';
export type StartMode = 'sequential' | 'parallel';
/** OTP 24 `auto_shutdown`: when significant children exiting on their own complete their supervisor. */
export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';
export type OverflowPolicy = 'drop_newest' | 'drop_oldest' | 'reject';
/**
 * `auto`: a machine whose definition has a `ready` tag is ready when its snapshot has it;
 * logic declared with `readyBySignal` when it emits `{type:'ready'}`; any other logic once
 * started. `signal`: wait for the tag or a `{type:'ready'}` emit.
 * `on-start`: ready as soon as it is started.
 */
export type ReadinessMode = 'auto' | 'signal' | 'on-start';
/** `leader`: a cluster singleton, run only on the elected leader (DESIGN §14); `any`: every node. */
export type Placement = 'any' | 'leader';

export interface IntensitySpec {
  readonly maxRestarts: number;
  readonly periodMs: number;
}

export interface BackoffSpec {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  readonly jitter: number;
  /** A child that ran this long since its last start begins the curve again. */
  readonly resetAfterMs: number;
}

export interface ReadinessSpec {
  readonly mode: ReadinessMode;
  /** Counts toward `system_ready`. Default: true for children of the root, false below. */
  readonly required: boolean;
  readonly timeoutMs: number;
}

export interface MailboxSpec {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
}

interface ChildSpecBase {
  /** `[a-z][a-z0-9-]*`, unique among siblings. */
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly readiness: ReadinessSpec;
  /** Its own exit counts toward its supervisor's `autoShutdown` (never permanent). */
  readonly significant: boolean;
  /** Where it runs in a cluster: every node (absent, `any`), or only on the leader (status `standby` elsewhere). */
  readonly placement?: Placement;
}

export interface WorkerSpec extends ChildSpecBase {
  readonly kind: 'worker';
  /** Registered behaviour name; for `module:` children, the key the loader registered it under. */
  readonly behaviour: string;
  /** Passed to the actor as XState `input`. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly mailbox: MailboxSpec;
  /** Per-child backoff; falls back to the supervisor's. */
  readonly backoff?: BackoffSpec;
  /** Paths of the producers whose `output` arrives in this worker's mailbox (pipeline links). */
  readonly inputs: readonly string[];
}

export interface SupervisorSpec extends ChildSpecBase {
  readonly kind: 'supervisor';
  readonly strategy: Strategy;
  readonly start: StartMode;
  readonly intensity: IntensitySpec;
  /** Absent: restart at once (OTP behaviour). */
  readonly backoff?: BackoffSpec;
  readonly autoShutdown: AutoShutdown;
  readonly children: readonly ChildSpec[];
  /**
   * @internal Set by the runtime, not by config: the first `leading` children start one at a
   * time, each ready before the next, whatever `start` says (the root's control plane).
   */
  readonly leading?: number;
}

export type ChildSpec = WorkerSpec | SupervisorSpec;

export interface AdminSpec {
  readonly host: string;
  /** 0 = any free port; false = no listener. */
  readonly port: number | false;
  /** Bearer token of the write API (admin.token, OVERSEER_ADMIN_TOKEN, --admin-token); never served back. */
  readonly token?: string;
  /** Host names the write API accepts besides loopback names and `host`. */
  readonly allowedHosts: readonly string[];
}

export interface SystemSpec {
  readonly apiVersion: 'overseer/v1';
  readonly name: string;
  readonly node: string;
  readonly admin: AdminSpec;
  /** Absolute path. */
  readonly dataDir: string;
  /** Overall deadline for stopping the whole tree, ms. */
  readonly stopTimeoutMs: number;
  /**
   * After SIGTERM turns /readyz 503, wait this long before stopping the tree (Kubernetes
   * preStop-style), so load balancers stop sending first. ms, default 0.
   */
  readonly drainMs: number;
  /** The root supervisor (id `root`); its children are `spec.children` of the file. */
  readonly root: SupervisorSpec;
  /** The file this spec came from, when it came from one. */
  readonly source?: string;
}

export const DEFAULTS = Object.freeze({
  intensity: Object.freeze({ maxRestarts: 3, periodMs: 5000 }),
  backoff: Object.freeze({ initialMs: 100, maxMs: 30_000, factor: 2, jitter: 0, resetAfterMs: 60_000 }),
  workerShutdownMs: 5000,
  /** Built-ins that need longer to stop: persistence finishes its batch and closes the database. */
  behaviourShutdownMs: Object.freeze({ persistence: 10_000 } as Record<string, number>),
  readinessTimeoutMs: 10_000,
  mailbox: Object.freeze({ capacity: 1000, overflow: 'drop_newest' as OverflowPolicy }),
  admin: Object.freeze({ host: '127.0.0.1', port: 7070, allowedHosts: Object.freeze([]) as readonly string[] }),
  dataDir: './data',
  stopTimeoutMs: 30_000,
  drainMs: 0,
});
