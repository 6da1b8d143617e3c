/**
 * Which keys a controller is reconciling, kept beyond one incarnation of its actor. A
 * promise cannot be stopped: a reconcile still running when its actor crashed (or timed out)
 * runs on, so the next incarnation must wait for it before reconciling that key itself.
 * Kept per system and controller path, so one key is never reconciled twice at once.
 */
import type { System } from '../../system/system.js';

const bySystem = new WeakMap<System, Map<string, Map<string, Promise<void>>>>();

export class KeyLeases {
  private readonly running: Map<string, Promise<void>>;

  constructor(system: System, controllerPath: string) {
    let controllers = bySystem.get(system);
    if (!controllers) bySystem.set(system, (controllers = new Map()));
    let running = controllers.get(controllerPath);
    if (!running) controllers.set(controllerPath, (running = new Map()));
    this.running = running;
  }

  /** Waits until no reconcile of `key` runs (from any incarnation), then holds it until `work` settles. */
  async hold<T>(key: string, work: () => Promise<T>): Promise<T> {
    for (let prior = this.running.get(key); prior !== undefined; prior = this.running.get(key)) await prior;
    const run = work();
    const held = run.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(key, held);
    void held.then(() => {
      if (this.running.get(key) === held) this.running.delete(key);
    });
    return run;
  }

  /** Keys with a reconcile running now. */
  get size(): number {
    return this.running.size;
  }
}
