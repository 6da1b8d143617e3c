/**
 * The `cluster` behaviour: joins this node to the membership, announces it on the bus
 * (`node_joined`, `cluster_formed`, `leader_elected`), answers `{ type: 'members' }` with
 * the current view, and leaves (`node_left`) when it stops. Terms keep increasing across
 * its restarts within one system (terms.ts).
 */
import { fromCallback } from 'xstate';
import { z } from 'zod';
import { runtimeOf } from '../../system/context.js';
import { refuseUnknown, respond, type ReplyTarget } from '../protocol.js';
import { LocalMembership, type Membership } from './membership.js';
import { nextTerm } from './terms.js';

export const clusterParams = z
  .object({
    /** Where membership lives: `local` (single node). PostgreSQL comes with multi-node. */
    backend: z.enum(['local']).default('local'),
  })
  .strict();

export type ClusterRequest = { readonly type: 'members'; readonly replyTo?: ReplyTarget };

export const cluster = fromCallback<ClusterRequest, unknown>(({ self, input, receive }) => {
  const rt = runtimeOf(self);
  clusterParams.parse(input ?? {});
  const node = rt.system.spec.node;
  // Terms outlive this incarnation: a restarted cluster actor must not elect in term 1 again.
  const membership: Membership = new LocalMembership(() => nextTerm(rt.system));
  const view = membership.join(node);
  rt.publish({ type: 'node_joined', data: { node } });
  rt.publish({ type: 'cluster_formed', data: { members: [...view.members] } });
  if (view.leader !== undefined) rt.publish({ type: 'leader_elected', data: { leader: view.leader, term: view.term } });
  rt.report(() => ({ ...membership.view(), self: node }));

  receive((message) => {
    if (message.type === 'members') return respond(message.replyTo, () => membership.view());
    refuseUnknown(rt.logger, 'cluster', message as { type: string; replyTo?: ReplyTarget }, ['members']);
  });

  return () => {
    membership.leave(node);
    rt.publish({ type: 'node_left', data: { node, reason: 'shutdown' } });
  };
});
