/**
 * A supervisor's operations run one at a time, in arrival order, like messages to OTP's
 * supervisor process: an exit, a restart, a dynamic child change never interleave.
 * Operations start on a microtask, never inside the caller's stack (e.g. XState's error path).
 */

export class OpQueue {
  private readonly ops: (() => Promise<void>)[] = [];
  private running = false;

  /** `onError` receives failures of posted operations (a runtime bug, not a child crash). */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Queues an operation whose result the caller awaits (errors reject the returned promise). */
  run<T>(op: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.push(async () => {
        try {
          resolve(await op());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Queues an internal operation nobody awaits. */
  post(op: () => void | Promise<void>): void {
    this.push(async () => {
      try {
        await op();
      } catch (error) {
        this.onError(error);
      }
    });
  }

  private push(op: () => Promise<void>): void {
    this.ops.push(op);
    if (this.running) return;
    this.running = true;
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      let op: (() => Promise<void>) | undefined;
      while ((op = this.ops.shift()) !== undefined) await op();
    } finally {
      this.running = false;
    }
  }
}
