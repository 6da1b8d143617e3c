/**
 * The running pipeline links (DESIGN §10): which workers consume each producer's `output`,
 * kept in step with the path index (a worker's `inputs` count from the moment its cell is
 * registered). `output` hands a message to every consumer or to none, so a retry never
 * duplicates; a consumer that is full or not running makes it return false, and the producer
 * is sent `overseer.drain` once that consumer has room again.
 */
import type { ActorCell, Message } from '../actors/cell.js';

export class LinkTable {
  /** Producer path → the cells consuming its output (insertion order: config order). */
  private readonly consumers = new Map<string, Set<ActorCell>>();

  get size(): number {
    return this.consumers.size;
  }

  register(cell: ActorCell): void {
    for (const producer of cell.spec.inputs ?? []) {
      let set = this.consumers.get(producer);
      if (!set) this.consumers.set(producer, (set = new Set()));
      set.add(cell);
    }
  }

  unregister(cell: ActorCell): void {
    for (const producer of cell.spec.inputs ?? []) {
      const set = this.consumers.get(producer);
      if (!set?.delete(cell)) continue;
      if (set.size === 0) this.consumers.delete(producer);
    }
  }

  /** The workers whose `inputs` name `producer`. */
  consumersOf(producer: string): readonly ActorCell[] {
    const set = this.consumers.get(producer);
    return set ? [...set] : [];
  }

  /**
   * Hands `message` to every consumer of `producer`, in order, or to none: true when it was
   * delivered (also when nothing consumes it), false when a consumer cannot take it now.
   */
  output(producer: ActorCell, message: Message): boolean {
    const set = this.consumers.get(producer.path);
    if (set === undefined) return true;
    let blocked = false;
    for (const consumer of set) {
      if (!consumer.hasRoomForLinked()) {
        consumer.wakeWhenRoom(producer);
        blocked = true;
      }
    }
    if (blocked) return false;
    for (const consumer of set) consumer.offerLinked(message);
    return true;
  }
}
