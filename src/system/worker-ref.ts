/**
 * `system.ref(path)`: a handle to one worker for hot paths, like an Erlang pid or an Akka
 * ActorRef. Sends skip the path lookup (with 10k actors that lookup was a quarter of a send).
 * It follows the actor across restarts, since the mailbox belongs to the supervised cell,
 * and refuses messages once the child is removed from the tree or the system stops.
 */
import type { ActorCell, Message } from '../actors/cell.js';
import type { AskOptions, ReplyRef } from '../actors/reply.js';
import { NotRunningError } from '../shared/errors.js';

/** What a handle needs from its system. */
export interface RefHost {
  readonly stopping: boolean;
  askWith<R>(path: string, message: Message, options: AskOptions, deliver: (message: Message, reply: ReplyRef<R>) => void): Promise<R>;
}

export class WorkerRef {
  /** @internal Made by `system.ref(path)`. */
  constructor(
    private readonly cell: ActorCell,
    private readonly host: RefHost,
  ) {}

  get path(): string {
    return this.cell.path;
  }

  /** As `system.send(path, message)`; throws NotRunningError once the child is gone or the system stops. */
  send(message: Message): void {
    if (this.host.stopping) throw new NotRunningError('the system', this.cell.path);
    this.cell.send(message);
  }

  /** As `system.ask(path, message, options)`. */
  ask<R = unknown>(message: Message, options: AskOptions = {}): Promise<R> {
    return this.host.askWith<R>(this.cell.path, message, options, (m, reply) => {
      if (this.host.stopping) throw new NotRunningError('the system', this.cell.path);
      this.cell.sendAsk(m, reply);
    });
  }
}
