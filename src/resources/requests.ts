/**
 * The `resources` actor's requests: what the embedded client and the gateway send with
 * `ask`. Each is answered `{ type: 'ok', value }` or `{ type: 'error', error }` (see
 * eventstore/protocol.ts), so typed errors reach the caller intact.
 */
import type { ReplyTarget } from '../eventstore/protocol.js';

type Named = {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
};

export type ResourcesRequest = (
  | { readonly type: 'kinds' }
  | { readonly type: 'resolve'; readonly kind: string }
  | { readonly type: 'list'; readonly kind: string; readonly namespace?: string; readonly labelSelector?: string }
  | ({ readonly type: 'get' } & Named)
  | { readonly type: 'create'; readonly kind: string; readonly object: unknown }
  | { readonly type: 'update'; readonly kind: string; readonly object: unknown; readonly namespace?: string; readonly name?: string }
  | ({ readonly type: 'patch'; readonly patch: unknown } & Named)
  | ({ readonly type: 'update_status'; readonly object: unknown } & Named)
  | ({ readonly type: 'patch_status'; readonly patch: unknown } & Named)
  | ({ readonly type: 'delete'; readonly resourceVersion?: string } & Named)
) & { readonly replyTo?: ReplyTarget };

export type ResourcesRequestType = ResourcesRequest['type'];

export const REQUEST_TYPES: readonly ResourcesRequestType[] = ['kinds', 'resolve', 'list', 'get', 'create', 'update', 'patch', 'update_status', 'patch_status', 'delete'];
