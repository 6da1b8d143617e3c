/**
 * Resources and controllers (DESIGN §12): the `resources` behaviour (Kubernetes-style objects
 * stored on the event store), the `controller` behaviour (informer, workqueue, reconcilers),
 * their params schemas for config loading, and what leaves this folder for users.
 */
import type { AnyActorLogic } from 'xstate';
import type { z } from 'zod';
import { controllerBehaviour } from './controller/controller.js';
import { controllerParams } from './controller/params.js';
import { resourcesParams } from './params.js';
import { resourcesBehaviour } from './resources.js';

export const resourceBehaviours: Readonly<Record<string, AnyActorLogic>> = { resources: resourcesBehaviour, controller: controllerBehaviour };

export const resourceParams: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['resources', resourcesParams],
  ['controller', controllerParams],
]);

export { resources, resourcesClient, type ResourcesClient, type ListOptions, type WatchOptions, type ResourcesPaths } from './client.js';
export { ResourceWatch } from './watch.js';
export { defineController } from './controller/controller.js';
export type { ControllerHandlers, Reconcile, ReconcileContext, ReconcileResult } from './controller/handlers.js';
export { WorkQueue, type WorkQueueStats } from './controller/workqueue.js';
export { ExponentialRateLimiter } from './controller/rate-limiter.js';
export { parseSelector, type Selector, type Requirement } from './selector.js';
export { lifecycle, type LifecycleOptions } from './lifecycle.js';
export type { Resource, ResourceMetadata, ResourceStatus, ResourceList, KindInfo, WatchEvent, WatchEventType } from './model.js';
export {
  ResourceConflictError,
  ResourceExistsError,
  ResourceNotFoundError,
  UnknownKindError,
  InvalidResourceError,
  InvalidSelectorError,
  IllegalTransitionError,
  type ResourceProblem,
  type ResourceErrorCode,
} from './errors.js';
