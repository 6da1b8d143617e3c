/**
 * Restarts waiting out a backoff delay, by group: one timer per planned restart, shared by
 * the children it will start. Starting, stopping or removing a child takes it out of its
 * group, so an old timer never starts it again. Taking out the group's owner (the child whose
 * exit planned it) abandons the whole restart, as OTP ignores a retry for a terminated child.
 */
import type { Clock, TimerHandle } from '../shared/clock.js';

interface Group {
  readonly owner: string;
  readonly ids: Set<string>;
  timer: TimerHandle;
  resolve(ids: string[]): void;
}

export class PendingRestarts {
  private readonly groups = new Map<string, Group>();

  /** `onCancelled(id)` runs for every child taken out of a group before its timer fired. */
  constructor(
    private readonly clock: Clock,
    private readonly onCancelled: (id: string) => void,
  ) {}

  /** Resolves after `delayMs` with the ids still in the group (in the given order); [] if it was cancelled. */
  schedule(ids: readonly string[], delayMs: number, owner: string): Promise<string[]> {
    return new Promise<string[]>((resolve) => {
      for (const id of ids) this.cancel(id);
      const group: Group = { owner, ids: new Set(ids), timer: undefined, resolve };
      for (const id of ids) this.groups.set(id, group);
      group.timer = this.clock.setTimeout(() => {
        for (const id of group.ids) this.groups.delete(id);
        resolve([...group.ids]);
      }, delayMs);
    });
  }

  has(id: string): boolean {
    return this.groups.has(id);
  }

  /** Takes `id` out of its group (the whole group when it is the owner); returns whether it was waiting. */
  cancel(id: string): boolean {
    const group = this.groups.get(id);
    if (group === undefined) return false;
    const leaving = id === group.owner ? [...group.ids] : [id];
    for (const member of leaving) {
      this.groups.delete(member);
      group.ids.delete(member);
    }
    if (group.ids.size === 0) {
      this.clock.clearTimeout(group.timer);
      group.resolve([]);
    }
    for (const member of leaving) this.onCancelled(member);
    return true;
  }

  /** Cancels every waiting restart (the supervisor stops or gives up). */
  clear(): void {
    for (const id of [...this.groups.keys()]) this.cancel(id);
  }
}
