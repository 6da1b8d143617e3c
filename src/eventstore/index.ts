/**
 * The event store (DESIGN §9): five behaviours the default system runs under the root:
 * persistence → store → notification, cluster, gateway. Each validates its params with the
 * schema listed here, which config loading also checks, with positions, before anything starts.
 */
import type { AnyActorLogic } from 'xstate';
import type { z } from 'zod';
import { cluster, clusterParams } from './cluster/cluster.js';
import { gateway } from './gateway/gateway.js';
import { gatewayParams } from './gateway/params.js';
import { notification } from './notification/notification.js';
import { notificationParams } from './notification/params.js';
import { persistenceParams } from './persistence/params.js';
import { persistence } from './persistence/persistence.js';
import { storeParams } from './store/params.js';
import { store } from './store/store.js';

export const eventStoreBehaviours: Readonly<Record<string, AnyActorLogic>> = { persistence, notification, store, cluster, gateway };

export const eventStoreParams: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['persistence', persistenceParams],
  ['notification', notificationParams],
  ['store', storeParams],
  ['cluster', clusterParams],
  ['gateway', gatewayParams],
]);
