/**
 * The running pipeline links (DESIGN §10): which workers consume each producer's `output`,
 * kept in step with the path index (a worker's `inputs` count from the moment its cell is
 * registered). `output` hands a message to every consumer or to none, so a retry never
 * duplicates; a consumer that is full or not running makes it return false, and the producer
 * is sent `overseer.drain` once that consumer has room again.
 */
import type { ActorCell, Message } from '../actors/cell.js';

export class LinkTable {
  /** Producer path → the cells consuming its output, in registration (config) order; replaced, never mutated, so output iterates a stable array. */
  private readonly consumers = new Map<string, readonly ActorCell[]>();

  get size(): number {
    return this.consumers.size;
  }

  register(cell: ActorCell): void {
    for (const producer of cell.spec.inputs ?? []) {
      const list = this.consumers.get(producer) ?? [];
      if (!list.includes(cell)) this.consumers.set(producer, [...list, cell]);
    }
  }

  unregister(cell: ActorCell): void {
    for (const producer of cell.spec.inputs ?? []) {
      const list = this.consumers.get(producer)?.filter((c) => c !== cell);
      if (list === undefined) continue;
      if (list.length === 0) this.consumers.delete(producer);
      else this.consumers.set(producer, list);
    }
  }

  /** The workers whose `inputs` name `producer`. */
  consumersOf(producer: string): readonly ActorCell[] {
    return this.consumers.get(producer) ?? [];
  }

  /**
   * Hands `message` to every consumer of `producer`, in order, or to none: true when it was
   * delivered (also when nothing consumes it), false when a consumer cannot take it now.
   */
  output(producer: ActorCell, message: Message): boolean {
    const list = this.consumers.get(producer.path);
    if (list === undefined) return true;
    let blocked = false;
    for (let i = 0; i < list.length; i++) {
      const consumer = list[i]!;
      if (!consumer.hasRoomForLinked()) {
        consumer.wakeWhenRoom(producer);
        blocked = true;
      }
    }
    if (blocked) return false;
    for (let i = 0; i < list.length; i++) list[i]!.offerLinked(message);
    return true;
  }
}
