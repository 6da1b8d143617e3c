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
import { withField } from '../shared/with-field.js';
import { NotSupervisedError } from '../shared/errors.js';
import { setSystemSlot, systemSlotOf } from '../actors/xstate-adapter.js';
import type { System } from './system.js';

export interface ActorRuntime {
  /** This actor's path, e.g. `root/workers/counter`. */
  readonly path: string;
  /** Id (nanoid format) of this incarnation. */
  readonly instance: string;
  /** pino child logger bound to `{ path, instance }`. */
  readonly logger: Logger;
  send(path: string, message: Message): void;
  ask<R = unknown>(path: string, message: Message, options?: AskOptions): Promise<R>;
  /** Publishes on the system bus with this actor as `source`. */
  publish(event: EventInput): number;
  /**
   * Hands `message` to every worker whose `inputs` name this actor (pipeline links), in order,
   * never dropped: false when a consumer is full or not running, and nothing was delivered;
   * this actor is then sent `{ type: 'overseer.drain' }` when it has room: send it again then.
   */
  output(message: Message): boolean;
  /**
   * Adds this actor's own figures to its node in /status (`info`) and to /metrics: `describe`
   * is called when someone looks, so it always shows the present. One per incarnation.
   */
  report(describe: () => Record<string, unknown>): void;
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
  output(producer: ActorCell, message: Message): boolean;
}

// Kept on the XState system of the supervised actor, so the actor and every actor it invokes
// or spawns share it (see setSystemSlot).
type Entry = { cell: ActorCell; host: RuntimeHost; instance: string };

/** @internal Called by the runtime when it creates an actor, before it starts. */
export function attachRuntime(actor: AnyActorRef, cell: ActorCell, host: RuntimeHost): void {
  setSystemSlot(actor, { cell, host, instance: cell.instance ?? '' } satisfies Entry);
}

/**
 * The runtime handle of a supervised actor (also from actors it invokes or spawns).
 * @example
 * const worker = fromCallback(({ self, receive }) => {
 *   const rt = runtimeOf(self);
 *   receive((e) => rt.logger.info({ e }, 'got'));
 * });
 */
export function runtimeOf(self: AnyActorRef): ActorRuntime {
  const entry = systemSlotOf(self) as Entry | undefined;
  if (!entry) throw new NotSupervisedError();
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
    publish: (event) => host.publish(withField(event, 'source', cell.path)),
    output: (message) => host.output(cell, message),
    report: (describe) => {
      if (cell.instance === instance) cell.info = describe;
    },
    system: host.self,
  };
}
