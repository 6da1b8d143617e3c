/**
 * The `controller` behaviour (DESIGN §12): an informer (list + watch into a cache) feeds a
 * workqueue, `maxConcurrentReconciles` workers reconcile what it hands out, and every key is
 * queued again each `resyncPeriodMs`. Ready once the first list is in the queue. On stop it
 * stops watching and drains: queued and running reconciles finish (within its `shutdown`).
 * A crash restarts it under its supervisor: it lists again, so nothing is missed, and it
 * waits for reconciles its previous incarnation left running before touching those keys.
 */
import { fromCallback, type AnyActorLogic } from 'xstate';
import { readyBySignal, STOP_EVENT, STOPPED_SIGNAL, stopsBySignal } from '../../actors/logic-traits.js';
import { siblingPath } from '../../eventstore/protocol.js';
import { runtimeOf } from '../../system/context.js';
import { clockOf } from '../actor-clock.js';
import { resourcesClient } from '../client.js';
import { baseDirOf, importFunction, type ControllerHandlers } from './handlers.js';
import { Informer } from './informer.js';
import { KeyLeases } from './leases.js';
import { controllerParams, definedControllerParams } from './params.js';
import { ExponentialRateLimiter } from './rate-limiter.js';
import { Reconciler } from './reconciler.js';
import { WorkQueue } from './workqueue.js';

type ControllerEvent = { type: 'controller_failed'; error: Error } | { type: typeof STOP_EVENT };

function controllerLogic(given: ControllerHandlers | undefined): AnyActorLogic {
  return stopsBySignal(
    readyBySignal(
      fromCallback<ControllerEvent, unknown>(({ self, input, receive, emit }) => {
        const rt = runtimeOf(self);
        const params = (given ? definedControllerParams : controllerParams).parse(input ?? {});
        const clock = clockOf(self);
        const sibling = (id: string) => siblingPath(rt.path, id);
        const client = resourcesClient(rt.ask, { resources: sibling(params.resources), notification: sibling(params.notification) }, params.timeoutMs);
        const queue = new WorkQueue<string>(clock, new ExponentialRateLimiter(params.backoff.baseMs, params.backoff.maxMs));
        const informer = new Informer({ client, kind: params.kind, namespace: params.namespace, labelSelector: params.labelSelector, clock, logger: rt.logger, onChange: (key) => queue.add(key) });
        const finalizer = params.finalizer ?? `overseer.dev/${rt.path.slice(rt.path.lastIndexOf('/') + 1)}`;
        let reconciler: Reconciler | undefined;
        let resync: unknown;
        let synced = false;
        let stopping = false;

        const armResync = () => {
          if (params.resyncPeriodMs === 0 || stopping) return;
          resync = clock.setTimeout(() => {
            for (const key of informer.keys()) queue.add(key);
            armResync();
          }, params.resyncPeriodMs);
        };

        const start = async () => {
          const base = baseDirOf(rt.system.spec.source);
          const handlers: ControllerHandlers = given ?? {
            reconcile: await importFunction(params.reconcile!, base),
            ...(params.finalize ? { finalize: await importFunction(params.finalize, base) } : {}),
          };
          if (stopping) return;
          reconciler = new Reconciler({
            controller: rt.path,
            kind: params.kind,
            queue,
            cache: informer.cache,
            handlers,
            finalizer: handlers.finalize ? finalizer : undefined,
            leases: new KeyLeases(rt.system, rt.path),
            client,
            clock,
            logger: rt.logger,
            timeoutMs: params.reconcileTimeoutMs,
            publish: (event) => void rt.publish(event),
          });
          void reconciler.run(params.maxConcurrentReconciles);
          informer.start();
          await informer.synced;
          if (stopping) return;
          synced = true;
          emit({ type: 'ready' });
          armResync();
        };
        start().catch((error: Error) => self.send({ type: 'controller_failed', error }));

        rt.report(() => ({
          kind: params.kind,
          synced,
          cached: informer.cache.size,
          workqueue: queue.stats(),
          active: reconciler?.active ?? 0,
          maxConcurrentReconciles: params.maxConcurrentReconciles,
        }));

        const quiet = () => {
          stopping = true;
          informer.stop();
          if (resync !== undefined) clock.clearTimeout(resync);
        };

        receive((event) => {
          if (event.type === 'controller_failed') throw new Error(`controller ${rt.path} cannot start: ${event.error.message}`, { cause: event.error });
          if (event.type === STOP_EVENT) {
            quiet();
            // What is queued and running finishes; nothing new is taken.
            void queue.shutDownWithDrain().then(() => emit({ type: STOPPED_SIGNAL }));
          }
        });

        return () => {
          quiet();
          queue.shutDown({ discard: true });
          reconciler?.abortAll(new Error(`controller ${rt.path} stopped`));
        };
      }),
    ),
  );
}

/** The built-in `controller`: reconcile and finalize imported from the modules its params name. */
export const controllerBehaviour = controllerLogic(undefined);

/**
 * A controller whose functions are given in code: register it under a name and configure it
 * like the built-in (`kind`, `resyncPeriodMs`, …; `reconcile` is not needed).
 * @example
 * const labs = defineController({ reconcile: async (lab, ctx) => ({ requeueAfterMs: 5000 }) });
 * await startSystem({ spec, behaviours: { labs } }); // children: [{ id: 'labs', behaviour: 'labs', params: { kind: 'LabInstance' } }]
 */
export function defineController(handlers: ControllerHandlers): AnyActorLogic {
  if (typeof handlers?.reconcile !== 'function') throw new TypeError('defineController: reconcile must be a function');
  if (handlers.finalize !== undefined && typeof handlers.finalize !== 'function') throw new TypeError('defineController: finalize must be a function');
  return controllerLogic(handlers);
}
