/**
 * Readiness deadlines and waits for one supervisor's children: a started child that is not
 * ready within `readiness.timeoutMs` is failed (it counts as a crash), and a sequential start
 * waits here until the child is ready, exits, or misses its deadline.
 */
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Child } from './services.js';

export class ReadinessGate {
  private readonly deadlines = new Map<Child, TimerHandle>();
  private readonly waiters = new Map<Child, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly onDeadline: (child: Child) => void,
  ) {}

  /** Arms the deadline for a just-started child (no-op when it is already ready). */
  arm(child: Child): void {
    this.settle(child);
    if (child.ready || !isAlive(child)) return;
    const timeoutMs = child.spec.readiness.timeoutMs;
    this.deadlines.set(
      child,
      this.clock.setTimeout(() => {
        this.deadlines.delete(child);
        if (!child.ready && isAlive(child)) this.onDeadline(child);
      }, timeoutMs),
    );
  }

  /** Resolves when the child is ready, has exited, or missed its deadline. */
  wait(child: Child): Promise<void> | undefined {
    if (child.ready || !isAlive(child)) return undefined;
    return new Promise<void>((resolve) => {
      const previous = this.waiters.get(child);
      this.waiters.set(child, () => {
        previous?.();
        resolve();
      });
    });
  }

  /** The child became ready, exited or is being stopped: clear its deadline, release waiters. */
  settle(child: Child): void {
    const timer = this.deadlines.get(child);
    if (timer !== undefined) {
      this.clock.clearTimeout(timer);
      this.deadlines.delete(child);
    }
    const waiter = this.waiters.get(child);
    if (waiter) {
      this.waiters.delete(child);
      waiter();
    }
  }

  clear(): void {
    for (const child of [...this.deadlines.keys(), ...this.waiters.keys()]) this.settle(child);
  }
}

/** A current incarnation exists (a crashed child waiting for its restart is not alive). */
function isAlive(child: Child): boolean {
  return child.running;
}
