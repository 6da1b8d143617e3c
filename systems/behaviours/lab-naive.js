// The controller the lab demo grew from, kept to show its flaw (test/resources/seed-scenario):
// edge-triggered, it runs its transition table only when it sees a new resourceVersion, and a
// reconciler pass (every resync) fails what has been provisioning too long. It sees its own
// `provisioning` write once, 0 s into it; nothing bumps the version after that, so the lab
// is stuck until the pass after stuckMs fails it: "Provisioning timeout" at ~40 s.
// lab-controller.js is the fix: level-triggered, with requeueAfter.
const seen = new Map(); // uid → the resourceVersion last acted on

export async function naiveReconcile(lab, ctx) {
  const { uid, resourceVersion, namespace, name } = lab.metadata;
  const changed = seen.get(uid) !== resourceVersion;
  seen.set(uid, resourceVersion);
  const phase = lab.status.phase;
  const elapsed = ctx.now() - Date.parse(lab.status.phaseSince ?? lab.metadata.creationTimestamp);
  const set = async (status) => {
    await ctx.client.patchStatus(lab.kind, namespace, name, { metadata: { resourceVersion }, status: { ...status, phaseSince: new Date(ctx.now()).toISOString() } });
  };
  if (changed) {
    if (phase === undefined) return set({ phase: 'pending' });
    if (phase === 'pending') return set({ phase: 'provisioning' });
    if (phase === 'provisioning' && elapsed >= (lab.spec.provisionMs ?? 5000)) return set({ phase: 'ready' });
    return;
  }
  if (phase === 'provisioning' && elapsed > (lab.spec.stuckMs ?? 30000)) return set({ phase: 'failed', reason: 'Provisioning timeout' });
}
