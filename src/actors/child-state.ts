/**
 * What every child of a supervisor keeps about itself, worker or supervisor: the fields
 * `/status` shows for each node. ActorCell and Supervisor both extend it.
 */
import type { ExitNote } from './exit-reasons.js';

/** `standby`: a `placement: leader` child on a node that does not lead the cluster now (DESIGN §14). */
export type ActorStatus = 'starting' | 'running' | 'ready' | 'backoff' | 'stopping' | 'stopped' | 'failed' | 'completed' | 'standby';

export abstract class ChildState {
  status: ActorStatus = 'stopped';
  ready = false;
  /** Id (nanoid format) of the current incarnation. */
  instance: string | undefined;
  restarts = 0;
  startedAt: number | undefined;
  lastExit: ExitNote | undefined;
}
