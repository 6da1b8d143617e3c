/**
 * `runtimeOf(self)`: how behaviour code reaches the runtime from inside an actor (its path,
 * its logger, send/ask to other actors by path, publishing on the bus) without anything
 * extra in its XState `input`, which stays exactly the configured params.
 */
import type { AnyActorRef } from 'xstate';
import type { ActorCell, Message } from '../actors/cell.js';
import type { AskOptions } from '../actors/reply.js';
import type { EventInput } from '../events/catalogue.js';
import type { Logger } from '../shared/logger.js';
import type { System } from './system.js';

export interface ActorRuntime {
  /** This actor's path, e.g. `root/workers/counter`. */
  readonly path: string;
  /** nanoid of this incarnation. */
  readonly instance: string;
  /** pino child logger bound to `{ path, instance }`. */
  readonly logger: Logger;
  send(path: string, message: Message): void;
  ask<R = unknown>(path: string, message: Message, options?: AskOptions): Promise<R>;
  /** Publishes on the system bus with this actor as `source`. */
  publish(event: EventInput): number;
  /** The running system (bus, status, dynamic children): what built-in subsystems work with. */
  readonly system: System;
}

/** What the system provides to build an ActorRuntime. */
export interface RuntimeHost {
  readonly self: System;
  readonly logger: Logger;
  send(path: string, message: Message): void;
  ask<R>(path: string, message: Message, options?: AskOptions): Promise<R>;
  publish(event: EventInput): number;
}

type Entry = { cell: ActorCell; host: RuntimeHost; instance: string };
// Global, not module-local: a behaviour module may import `overseer` through another path
// (the package name vs. a relative build) and must still find the actors this runtime made.
const REGISTRY = Symbol.for('overseer.runtimeOf');
const cells: WeakMap<AnyActorRef, Entry> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new WeakMap()) as WeakMap<AnyActorRef, Entry>;

/** @internal Called by the runtime when it creates an actor, before it starts. */
export function attachRuntime(actor: AnyActorRef, cell: ActorCell, host: RuntimeHost): void {
  cells.set(actor, { cell, host, instance: cell.instance ?? '' });
}

/**
 * The runtime handle of a supervised actor.
 * @example
 * const worker = fromCallback(({ self, receive }) => {
 *   const rt = runtimeOf(self);
 *   receive((e) => rt.logger.info({ e }, 'got'));
 * });
 */
export function runtimeOf(self: AnyActorRef): ActorRuntime {
  const entry = cells.get(self);
  if (!entry) throw new Error('runtimeOf: this actor is not supervised by Overseer');
  const { cell, host, instance } = entry;
  let logger: Logger | undefined;
  return {
    path: cell.path,
    instance,
    get logger() {
      return (logger ??= host.logger.child({ path: cell.path, instance }));
    },
    send: (path, message) => host.send(path, message),
    ask: (path, message, options) => host.ask(path, message, options),
    publish: (event) => host.publish({ ...event, source: cell.path }),
    system: host.self,
  };
}
