/**
 * What the admin endpoint reads: a narrow view of the running system, supplied by the
 * control plane. The HTTP layer never touches supervisors or actors directly.
 */
import type { ReadinessState } from '../control-plane/readiness-model.js';
import type { EventBus } from '../events/index.js';
import type { StatusNode } from '../system/status.js';
import type { AdminControl } from './write/routes.js';

export interface AdminView {
  readonly system: string;
  readonly node: string;
  /** The root supervisor runs (the process is not on its way out after the root gave up). */
  live(): boolean;
  readiness(): ReadinessState;
  /** The system is stopping (SIGTERM received): readiness is gone even before events say so. */
  stopping(): boolean;
  status(): StatusNode;
  /** The subtree at `path`, `depth` levels deep (undefined = all); undefined for an unknown path. */
  statusAt(path: string, depth?: number): StatusNode | undefined;
  /** Restarts of this path within its supervisor's intensity window. */
  recentRestarts(path: string): number;
  readonly events: EventBus;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** The write API (params, history, restart, kill, apply, config); absent = read-only endpoint. */
  readonly control?: AdminControl;
}
