// The LabInstance controller of systems/lab.yaml: a lab's phases are the states of an XState
// machine, and overseer's lifecycle() turns it into the controller's reconcile and finalize.
// `after` delays become requeues (requeueAfterMs), so nothing polls: a lab provisions for
// spec.provisionMs (5 s), is ready for spec.ttlMs (20 s), then deletes itself; the
// controller's finalizer holds it in `deleting` for spec.cleanupMs (2 s) of cleanup, then it
// is gone. A lab still provisioning after spec.stuckMs (30 s) fails "Provisioning timeout".
import { setup } from 'xstate';
import { lifecycle } from 'overseer';

const specMs = (field, fallback) => ({ context }) => context.resource.spec[field] ?? fallback;
const deleted = { 'resource.deleted': 'deleting' };

export const labMachine = setup({
  delays: {
    provisionMs: specMs('provisionMs', 5000),
    stuckMs: specMs('stuckMs', 30000),
    ttlMs: specMs('ttlMs', 20000),
    cleanupMs: specMs('cleanupMs', 2000),
  },
}).createMachine({
  id: 'lab',
  initial: 'pending',
  states: {
    pending: { after: { 0: 'provisioning' }, on: deleted },
    // Whichever delay elapses first wins: ready, or failed when provisioning takes too long.
    provisioning: { after: { provisionMs: 'ready', stuckMs: 'failed' }, on: deleted },
    ready: { after: { ttlMs: 'deleting' }, on: deleted },
    failed: { after: { ttlMs: 'deleting' }, on: deleted },
    deleting: { after: { cleanupMs: 'deleted' } },
    deleted: { type: 'final' },
  },
});

export const { reconcile, finalize } = lifecycle(labMachine, {
  statusOf: (phase) => ({ reason: phase === 'failed' ? 'Provisioning timeout' : null }),
  phases: {
    // An expired lab asks for its own deletion; the finalizer keeps it here until cleanup is done.
    deleting: async (lab, ctx) => {
      if (lab.metadata.deletionTimestamp === undefined) await ctx.client.delete(lab.kind, lab.metadata.namespace, lab.metadata.name);
    },
  },
});
