/**
 * The workers of one controller: take a key from the workqueue, reconcile the cached object
 * (or finalize it, when it is being deleted and carries this controller's finalizer), and
 * turn the answer into the queue's next move and an event: success forgets the key's backoff,
 * `requeueAfterMs` queues it after that long, `requeue` and failures after its backoff. A
 * reconcile that outlives its timeout is failed and its signal aborted, but its key stays
 * taken until it settles.
 */
import type { EventInput } from '../../events/catalogue.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ResourcesClient } from '../client.js';
import type { Resource } from '../model.js';
import type { ControllerHandlers, ReconcileContext, ReconcileResult } from './handlers.js';
import type { KeyLeases } from './leases.js';
import type { WorkQueue } from './workqueue.js';

export interface ReconcilerDeps {
  readonly controller: string;
  readonly kind: string;
  readonly queue: WorkQueue<string>;
  readonly cache: ReadonlyMap<string, Resource>;
  readonly handlers: ControllerHandlers;
  /** Added to every resource while it lives and removed once finalize is done (only with a finalize). */
  readonly finalizer: string | undefined;
  readonly leases: KeyLeases;
  readonly client: ResourcesClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timeoutMs: number;
  publish(event: EventInput): void;
}

type Verdict = { ok: true; result: ReconcileResult } | { ok: false; error: unknown };

/** A reconcile's AbortSignal, made only if the reconciler reads it (most never do; one costs ~3 µs). */
class LazyAbort {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
  abort(reason: Error): void {
    this.reason ??= reason;
    this.controller?.abort(reason);
  }
}
const TIMED_OUT = Symbol('timed out');

export class Reconciler {
  private readonly aborts = new Set<LazyAbort>();
  /** Reconciles running now in this incarnation's workers (`controller_runtime_active_workers`). */
  active = 0;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Runs `count` workers until the queue is shut down and empty. */
  run(count: number): Promise<void> {
    return Promise.all(Array.from({ length: count }, () => this.worker())).then(() => undefined);
  }

  /** Aborts the signals of every reconcile in progress (the controller stops). */
  abortAll(reason: Error): void {
    for (const abort of this.aborts) abort.abort(reason);
  }

  private async worker(): Promise<void> {
    for (let key = await this.deps.queue.get(); key !== undefined; key = await this.deps.queue.get()) {
      this.active++;
      try {
        await this.process(key);
      } finally {
        this.active--;
      }
    }
  }

  private async process(key: string): Promise<void> {
    const { queue, clock, leases, timeoutMs } = this.deps;
    const started = clock.now();
    const retries = queue.numRequeues(key);
    const abort = new LazyAbort();
    this.aborts.add(abort);
    const attempt: Promise<Verdict> = leases.hold(key, () => this.invoke(key, abort, retries)).then(
      (result) => ({ ok: true, result }),
      (error: unknown) => ({ ok: false, error }),
    );
    let timer: unknown;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = clock.setTimeout(() => resolve(TIMED_OUT), timeoutMs)));
    const verdict = await Promise.race([attempt, timeout]);
    clock.clearTimeout(timer);
    if (verdict === TIMED_OUT) {
      const error = new Error(`reconcile timed out after ${timeoutMs} ms`);
      abort.abort(error);
      this.settle(key, { ok: false, error }, started, retries);
      // The abandoned call may still be writing: the key stays taken until it settles (the
      // retry just scheduled waits for that as any change during a reconcile does).
      void attempt.then(() => {
        this.aborts.delete(abort);
        queue.done(key);
      });
      return;
    }
    this.aborts.delete(abort);
    this.settle(key, verdict, started, retries);
    queue.done(key);
  }

  /** The queue's next move for `key` and the event saying what happened. */
  private settle(key: string, verdict: Verdict, started: number, retries: number): void {
    const { queue, controller, publish, clock } = this.deps;
    const durationMs = clock.now() - started;
    const answer = verdict.ok ? verdict.result : undefined;
    const problem = verdict.ok ? resultProblem(answer) : undefined;
    if (!verdict.ok || problem) {
      const delayMs = queue.addRateLimited(key);
      const error = problem ?? messageOf((verdict as { error: unknown }).error);
      this.deps.logger.warn({ key, error, retries: retries + 1, delayMs }, 'reconcile failed');
      publish({ type: 'reconcile_failed', data: { controller, key, error, retries: retries + 1, delayMs, durationMs } });
    } else if (answer && answer.requeueAfterMs !== undefined && answer.requeueAfterMs > 0) {
      queue.forget(key);
      queue.addAfter(key, answer.requeueAfterMs);
      publish({ type: 'reconcile_requeued', data: { controller, key, reason: 'requeue_after', afterMs: answer.requeueAfterMs, durationMs } });
    } else if (answer && answer.requeue === true) {
      const afterMs = queue.addRateLimited(key);
      publish({ type: 'reconcile_requeued', data: { controller, key, reason: 'requeue', afterMs, durationMs } });
    } else {
      queue.forget(key);
      publish({ type: 'reconcile_succeeded', data: { controller, key, durationMs } });
    }
  }

  /** One reconcile (or finalize) of what the cache holds for `key` now. */
  private async invoke(key: string, abort: LazyAbort, retries: number): Promise<ReconcileResult> {
    const { cache, handlers, finalizer, client, kind } = this.deps;
    let object = cache.get(key);
    if (!object) return undefined; // deleted: nothing left to converge
    const { logger, clock, controller } = this.deps;
    let child: Logger | undefined;
    const ctx: ReconcileContext = {
      client,
      get logger() {
        return (child ??= logger.child({ key }));
      },
      now: () => clock.now(),
      get signal() {
        return abort.signal;
      },
      key,
      controller,
      retries,
    };
    if (!handlers.finalize || finalizer === undefined) return handlers.reconcile(object, ctx);
    const { namespace, name, finalizers, deletionTimestamp, resourceVersion } = object.metadata;
    const ours = finalizers.includes(finalizer);
    if (deletionTimestamp !== undefined) {
      if (!ours) return undefined; // being deleted, and not waiting for us
      const result = await handlers.finalize(object, ctx);
      if (result && (result.requeue || result.requeueAfterMs)) return result;
      // finalize may have written (status): take the finalizer off the object as it is now.
      const latest = await client.get(kind, namespace, name);
      await client.patch(kind, namespace, name, { metadata: { resourceVersion: latest.metadata.resourceVersion, finalizers: latest.metadata.finalizers.filter((f) => f !== finalizer) } });
      return undefined;
    }
    if (!ours) object = await client.patch(kind, namespace, name, { metadata: { resourceVersion, finalizers: [...finalizers, finalizer] } });
    return handlers.reconcile(object, ctx);
  }
}

/** Why a reconcile's answer is not one it may give, or undefined. */
function resultProblem(result: unknown): string | undefined {
  if (result === undefined || result === null) return undefined;
  if (typeof result !== 'object') return `reconcile returned ${typeof result}; expected nothing, { requeue: true } or { requeueAfterMs }`;
  const { requeueAfterMs, requeue } = result as { requeueAfterMs?: unknown; requeue?: unknown };
  if (requeueAfterMs !== undefined && (typeof requeueAfterMs !== 'number' || !Number.isFinite(requeueAfterMs) || requeueAfterMs < 0)) return `requeueAfterMs: expected a non-negative number of ms, got ${JSON.stringify(requeueAfterMs)}`;
  if (requeue !== undefined && typeof requeue !== 'boolean') return `requeue: expected a boolean, got ${JSON.stringify(requeue)}`;
  return undefined;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
