/**
 * What every supervisor in a tree shares with the runtime that owns it: time, randomness,
 * event publishing, behaviour lookup and the path index. One object per running system.
 */
import type { AnyActorLogic, AnyActorRef, InspectionEvent, Observer } from 'xstate';

/** XState's `inspect` option: an observer or a function of inspection events. */
export type Inspector = Observer<InspectionEvent> | ((event: InspectionEvent) => void);
import type { ActorCell } from '../actors/cell.js';
import type { RuntimeEventData, RuntimeEventType } from '../events/catalogue.js';
import type { Clock } from '../shared/clock.js';
import type { Leadership } from './leadership.js';
import type { Supervisor } from './supervisor.js';

export type Child = ActorCell | Supervisor;

export interface SupervisorServices {
  /** The runtime's clock: backoff, deadlines. Its timers never keep the process alive. */
  readonly clock: Clock;
  /** The clock handed to XState actors: their delays keep the process alive, as in raw XState. */
  readonly actorClock: Clock;
  /** An XState inspector every actor is created with (startSystem `inspect`). */
  readonly inspect?: Inspector;
  /** [0, 1), for backoff jitter; injectable so tests can pin it. */
  readonly random: () => number;
  publish<T extends RuntimeEventType>(type: T, source: string, data: RuntimeEventData[T]): void;
  /** Logic for a behaviour name; the spec was validated, so the name exists. */
  logicFor(behaviour: string): AnyActorLogic;
  /** Path index, for O(1) `send(path)`. */
  register(child: Child): void;
  unregister(child: Child): void;
  /**
   * A worker is about to start (any start: first, restart, params update, wake): its completed
   * consumers downstream start again first (the pipeline cascade, DESIGN §10).
   */
  starting(cell: ActorCell): void;
  /** A cell created a new XState actor: attach the runtime context (`runtimeOf(self)`). */
  attach(cell: ActorCell, actor: AnyActorRef): void;
  /** A bug in the runtime itself (never a child crash): logged, never thrown at users. */
  internalError(path: string, error: unknown): void;
  /** Whether this node leads its cluster: `placement: leader` children run only while it does. Absent: never. */
  readonly leadership?: Leadership;
}

/** How a supervisor reports to whoever owns it: its parent supervisor, or the system for the root. */
export interface SupervisorParent {
  onExit(child: Supervisor, reason: 'error' | 'normal' | 'shutdown', error: unknown): void;
  onReadiness(child: Supervisor, ready: boolean): void;
  /** A completed child supervisor has to run again (a params update or a cascade reached inside it). The root's owner has none: the root never completes. */
  wakeChild?(child: Supervisor): void;
}
