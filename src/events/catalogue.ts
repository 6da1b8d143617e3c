/**
 * The event catalogue: one envelope, one closed union of runtime event types (DESIGN §5).
 * Actors publish, the control plane and loggers observe; nobody passes actor refs around.
 * Application events (any other `category`) use the same envelope with free-form data.
 */
import type { ConfigProblem } from '../shared/errors.js';

export type EventCategory = 'system' | 'supervisor' | 'cluster' | 'store' | 'actor' | 'config' | 'controller' | 'workflow';

/** `data` for every runtime event type, by type. */
export interface RuntimeEventData {
  // system
  initialization_started: { expectedSystems: string[] };
  subsystem_starting: { system: string };
  subsystem_ready: { system: string };
  subsystem_failed: { system: string; reason: string };
  systems_pending: { missingSystems: string[]; readySystems: string[] };
  system_ready: { readySystems: string[]; node: string };
  system_degraded: { missingSystems: string[] };
  subsystem_stopping: { system: string };
  system_stopping: Record<string, never>;
  system_stopped: Record<string, never>;
  // supervisor
  child_started: { path: string; instance: string };
  child_exited: { path: string; reason: ExitReason; error?: string; forced?: boolean };
  child_restarting: { path: string; attempt: number; delayMs: number };
  /** `child` is the one whose exit tripped it; `restarts` the count in the window, over `maxRestarts`. */
  restart_intensity_exceeded: { supervisor: string; child: string; restarts: number; maxRestarts: number; periodMs: number; error?: string };
  /** A significant child exited on its own and completed its supervisor (OTP auto_shutdown); `child` is that child. */
  auto_shutdown: { supervisor: string; child: string; mode: 'any_significant' | 'all_significant' };
  /** A child left its supervisor for good: deleteChild, a temporary child that exited, a dynamic child dropped by a restart. */
  child_deleted: { path: string };
  messages_dropped: { path: string; count: number; policy: string };
  // cluster
  node_joined: { node: string };
  node_left: { node: string; reason: string };
  cluster_formed: { members: string[] };
  leader_elected: { leader: string; term: number };
  // store
  events_appended: { stream: string; fromVersion: number; toVersion: number; position: number };
  // actor
  /** `changed`: new values of the top-level keys that differ (deleted: null); `previous`: their old ones (absent: null). */
  params_updated: { path: string; changed: Record<string, unknown>; previous: Record<string, unknown>; action: 'restarted' | 'live' };
  // config (live reconfiguration, DESIGN §10): `plan` is planChanges' steps, as applied
  config_applied: { plan: readonly unknown[]; source: 'file' | 'api' | 'embedded' };
  config_rejected: { problems: readonly ConfigProblem[]; source: 'file' | 'api' | 'embedded' };
  // controller (resources and controllers, DESIGN §12): `controller` is the controller's path, `key` namespace/name
  reconcile_succeeded: { controller: string; key: string; durationMs: number };
  /** `retries`: consecutive failures of the key now; `delayMs`: when it is tried again. */
  reconcile_failed: { controller: string; key: string; error: string; retries: number; delayMs: number; durationMs: number };
  /** `reason`: `requeue` (after the key's backoff) or `requeue_after` (after `afterMs`, as asked). */
  reconcile_requeued: { controller: string; key: string; reason: 'requeue' | 'requeue_after'; afterMs: number; durationMs: number };
  // workflow (DESIGN §13): what a workflows actor reports beside the execution logs
  /** A playbook file that did not load (the others run). */
  playbook_rejected: { file: string; problems: readonly ConfigProblem[] };
  /** A task whose lease ran out maxDeliveries times: its action fails (its step's retry decides what next). */
  task_dead_lettered: { task: string; execution: string; step: string; deliveries: number };
}

export type RuntimeEventType = keyof RuntimeEventData;

export const EVENT_CATEGORIES: { readonly [T in RuntimeEventType]: EventCategory } = {
  initialization_started: 'system',
  subsystem_starting: 'system',
  subsystem_ready: 'system',
  subsystem_failed: 'system',
  systems_pending: 'system',
  system_ready: 'system',
  system_degraded: 'system',
  subsystem_stopping: 'system',
  system_stopping: 'system',
  system_stopped: 'system',
  child_started: 'supervisor',
  child_exited: 'supervisor',
  child_restarting: 'supervisor',
  restart_intensity_exceeded: 'supervisor',
  auto_shutdown: 'supervisor',
  child_deleted: 'supervisor',
  messages_dropped: 'supervisor',
  node_joined: 'cluster',
  node_left: 'cluster',
  cluster_formed: 'cluster',
  leader_elected: 'cluster',
  events_appended: 'store',
  params_updated: 'actor',
  config_applied: 'config',
  config_rejected: 'config',
  reconcile_succeeded: 'controller',
  reconcile_failed: 'controller',
  reconcile_requeued: 'controller',
  playbook_rejected: 'workflow',
  task_dead_lettered: 'workflow',
};

/** Why an actor ended: snapshot done → normal, error observer → error, supervisor stop → shutdown. */
export type ExitReason = 'normal' | 'error' | 'shutdown';

/** The envelope every event on the bus carries. */
export interface EventEnvelope<T extends string = string, D = unknown> {
  /** nanoid */
  readonly id: string;
  readonly type: T;
  readonly category: string;
  /** The system name (metadata.name of the spec). */
  readonly system: string;
  readonly node: string;
  /** The path of the actor that published it (`root/store`), or `root` for the runtime. */
  readonly source: string;
  /** ISO 8601 */
  readonly time: string;
  readonly data: D;
}

/** A runtime event: the closed union over the catalogue. */
export type RuntimeEvent = {
  [T in RuntimeEventType]: EventEnvelope<T, RuntimeEventData[T]>;
}[RuntimeEventType];

/** What a publisher hands to the bus; the bus fills in id, time, system and node. */
export interface EventInput<T extends string = string, D = unknown> {
  readonly type: T;
  readonly category?: string;
  readonly source?: string;
  readonly data?: D;
}

/** Lifecycle events: only the runtime publishes these (a user publish is refused). Config outcomes too: a forged `config_applied` would mislead watchers. */
export function isLifecycleType(type: string): boolean {
  const category = CATEGORY_BY_TYPE.get(type);
  return category === 'system' || category === 'supervisor' || category === 'config';
}

/** Narrowing helper: `isEvent(e, 'system_ready')` types `e.data`. */
export function isEvent<T extends RuntimeEventType>(
  event: EventEnvelope,
  type: T,
): event is EventEnvelope<T, RuntimeEventData[T]> {
  return event.type === type;
}

const CATEGORY_BY_TYPE = new Map<string, string>(Object.entries(EVENT_CATEGORIES));

/** The category of a known runtime type; `app` for anything else. */
export function categoryOf(type: string): string {
  return CATEGORY_BY_TYPE.get(type) ?? 'app';
}
