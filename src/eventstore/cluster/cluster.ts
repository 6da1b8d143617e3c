/**
 * The `cluster` behaviour: joins this node to the membership, announces it on the bus
 * (`node_joined`, `cluster_formed`, `leader_elected`, `node_left`), answers `{ type: 'members' }`
 * with the current view, tells this system's supervisors whether it leads (leadership.ts, for
 * `placement: leader` children), and leaves when it stops. `backend: local` is a single node,
 * its own leader, terms increasing across restarts (terms.ts); `backend: postgres` is a real
 * cluster of nodes sharing one database (postgres-cluster.ts).
 */
import { fromCallback } from 'xstate';
import { STOP_EVENT, STOPPED_SIGNAL, stopsBySignal } from '../../actors/logic-traits.js';
import { leadershipOf } from '../../supervisor/leadership.js';
import { runtimeOf } from '../../system/context.js';
import { describeTarget, resolvePgTarget } from '../postgres/connection.js';
import { refuseUnknown, respond, type ReplyTarget } from '../protocol.js';
import { LocalMembership, type MembershipView } from './membership.js';
import { clusterParams } from './params.js';
import { PgCluster } from './postgres-cluster.js';
import { nextTerm } from './terms.js';

export { clusterParams } from './params.js';

export type ClusterRequest = { readonly type: 'members'; readonly replyTo?: ReplyTarget } | { readonly type: typeof STOP_EVENT };

type Emitted = { type: 'not_ready'; reason: string } | { type: 'ready' } | { type: typeof STOPPED_SIGNAL };

export const cluster = stopsBySignal(
  fromCallback<ClusterRequest, unknown, Emitted>(({ self, input, receive, emit }) => {
    const rt = runtimeOf(self);
    const params = clusterParams.parse(input ?? {});
    const node = rt.system.spec.node;
    const leadership = leadershipOf(rt.system);
    let view: () => MembershipView;
    /** Local leaves at once (node_left published before the actor is gone), PostgreSQL after deleting its row. */
    let leave: () => void | Promise<void>;

    if (params.backend === 'postgres') {
      const target = resolvePgTarget(params);
      emit({ type: 'not_ready', reason: `joining the cluster at ${describeTarget(target.url)}` });
      const pgCluster = new PgCluster({
        target,
        node,
        instance: rt.instance,
        heartbeatMs: params.heartbeatMs,
        ttlMs: params.ttlMs,
        logger: rt.logger,
        events: {
          joined: (member) => rt.publish({ type: 'node_joined', data: { node: member } }),
          left: (member, reason) => rt.publish({ type: 'node_left', data: { node: member, reason } }),
          formed: (members) => rt.publish({ type: 'cluster_formed', data: { members } }),
          elected: (leader, term) => rt.publish({ type: 'leader_elected', data: { leader, term } }),
          leading: (leader, term) => leadership.set({ leader, term }),
          connected: (up, reason) => emit(up ? { type: 'ready' } : { type: 'not_ready', reason: reason ?? 'cluster session lost' }),
        },
      });
      pgCluster.start();
      view = () => pgCluster.view();
      leave = () => pgCluster.stop();
    } else {
      // Terms outlive this incarnation: a restarted cluster actor must not elect in term 1 again.
      const membership = new LocalMembership(() => nextTerm(rt.system));
      const joined = membership.join(node);
      rt.publish({ type: 'node_joined', data: { node } });
      rt.publish({ type: 'cluster_formed', data: { members: [...joined.members] } });
      if (joined.leader !== undefined) rt.publish({ type: 'leader_elected', data: { leader: joined.leader, term: joined.term } });
      leadership.set({ leader: joined.leader === node, term: joined.term });
      view = () => membership.view();
      leave = () => void membership.leave(node);
    }
    rt.report(() => ({ ...view(), self: node, backend: params.backend }));

    let left: Promise<void> | undefined;
    /** Once: stop leading (singletons stop), leave, say so. */
    const depart = (): Promise<void> => {
      if (left) return left;
      leadership.set({ leader: false, term: 0 });
      const announce = () => void rt.publish({ type: 'node_left', data: { node, reason: 'shutdown' } });
      const leaving = leave();
      if (leaving === undefined) return (left = Promise.resolve(announce()));
      return (left = leaving.catch((error: unknown) => rt.logger.warn({ err: error }, 'leaving the cluster failed')).then(announce));
    };

    receive((message) => {
      if (message.type === 'members') return respond(message.replyTo, () => view());
      if (message.type === STOP_EVENT) return void depart().finally(() => emit({ type: STOPPED_SIGNAL }));
      refuseUnknown(rt.logger, 'cluster', message as { type: string; replyTo?: ReplyTarget }, ['members']);
    });

    return () => void depart();
  }),
);
