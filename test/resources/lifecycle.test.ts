import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defineController, lifecycle, type EventEnvelope, type Resource } from '../../src/index.js';
import { advance, resourceSystems, until } from './support.js';

const start = resourceSystems();

const machine = setup({
  types: { context: {} as { resource?: Resource } },
  delays: { provisionMs: ({ context }) => Number(context.resource?.spec.provisionMs ?? 5000) },
}).createMachine({
  context: {},
  id: 'm',
  initial: 'pending',
  states: {
    pending: { on: { start: 'provisioning' } },
    provisioning: { after: { provisionMs: 'ready', 30000: 'failed' } },
    ready: { on: { 'resource.deleted': 'deleting' } },
    failed: {},
    deleting: { after: { 1000: 'deleted' } },
    deleted: { type: 'final' },
  },
});

async function system(options: Parameters<typeof lifecycle>[1] = {}) {
  const { reconcile, finalize } = lifecycle(machine, { events: (r) => (r.metadata.labels.go === 'yes' ? [{ type: 'start' }] : []), ...options });
  const started = await start({
    kinds: [{ kind: 'LabInstance', plural: 'labinstances' }],
    children: [{ id: 'labs', behaviour: 'labs', params: { kind: 'LabInstance', resyncPeriodMs: 0 } }],
    behaviours: { labs: defineController({ reconcile, finalize }) },
  });
  const events: EventEnvelope[] = [];
  started.system.events.subscribe('test-lifecycle', { types: ['reconcile_requeued', 'reconcile_failed', 'reconcile_succeeded'], lateJoin: true, handler: (e: EventEnvelope) => void events.push(e) });
  const phase = async () => (await started.api.get('LabInstance', 'default', 'l')).status;
  return { ...started, events, phase };
}

describe('lifecycle: a resource\'s phases as an XState machine', () => {
  it('writes the initial phase, moves on the events it observes, and turns a pending `after` into requeueAfterMs', async () => {
    const { api, clock, events, phase } = await system();
    await api.create('LabInstance', { metadata: { name: 'l' }, spec: { provisionMs: 8000 } });
    await until(async () => (await phase()).phase === 'pending');
    expect(await phase()).toMatchObject({ observedGeneration: 1, lastTransition: { to: 'pending', event: 'xstate.init' } });
    expect((await phase()).lastTransition).not.toHaveProperty('from');
    await api.patch('LabInstance', 'default', 'l', { metadata: { labels: { go: 'yes' } } });
    await until(async () => (await phase()).phase === 'provisioning');
    await until(() => events.some((e) => e.type === 'reconcile_requeued'));
    expect(events.find((e) => e.type === 'reconcile_requeued')!.data).toMatchObject({ reason: 'requeue_after', afterMs: 8000 });
    const since = Date.parse(String((await phase()).phaseSince));
    await advance(clock, 8000, 500);
    await until(async () => (await phase()).phase === 'ready');
    const ready = await phase();
    // The phase began when the delay elapsed, not when the reconcile ran.
    expect(Date.parse(String(ready.phaseSince)) - since).toBe(8000);
    expect(ready.lastTransition).toMatchObject({ from: 'provisioning', to: 'ready', event: 'after 8000 ms' });
  });

  it('finalizes through the machine: deleting on deletion, the finalizer off once it reaches a final state', async () => {
    const { api, clock, phase } = await system();
    await api.create('LabInstance', { metadata: { name: 'l', labels: { go: 'yes' } }, spec: { provisionMs: 0 } });
    await until(async () => (await phase()).phase === 'ready');
    expect((await api.get('LabInstance', 'default', 'l')).metadata.finalizers).toEqual(['overseer.dev/labs']);
    await api.delete('LabInstance', 'default', 'l');
    await until(async () => (await phase()).phase === 'deleting');
    await advance(clock, 1000, 250);
    await until(async () => (await api.list('LabInstance')).items.length === 0);
  });

  it('refuses a phase written from outside that the machine cannot reach: puts it back and fails the reconcile', async () => {
    const { api, events, phase } = await system();
    await api.create('LabInstance', { metadata: { name: 'l' }, spec: {} });
    await until(async () => (await phase()).phase === 'pending');
    await api.patchStatus('LabInstance', 'default', 'l', { status: { phase: 'ready' } });
    await until(() => events.some((e) => e.type === 'reconcile_failed'));
    expect(events.find((e) => e.type === 'reconcile_failed')!.data).toMatchObject({ error: expect.stringMatching(/^illegal transition pending → ready/) });
    await until(async () => (await phase()).phase === 'pending');
    expect((await phase()).lastTransition).toMatchObject({ from: 'ready', to: 'pending', event: 'refused' });
  });

  it('accepts a phase written from outside that one transition reaches, and refuses one that is no phase at all', async () => {
    const { api, events, phase } = await system();
    await api.create('LabInstance', { metadata: { name: 'l', labels: { go: 'yes' } }, spec: {} });
    await until(async () => (await phase()).phase === 'provisioning');
    await api.patchStatus('LabInstance', 'default', 'l', { status: { phase: 'failed' } });
    await until(async () => (await phase()).lastTransition !== undefined && ((await phase()).lastTransition as { event: string }).event === '(external)');
    expect((await phase()).lastTransition).toMatchObject({ from: 'provisioning', to: 'failed' });
    await api.patchStatus('LabInstance', 'default', 'l', { status: { phase: 'exploded' } });
    await until(() => events.some((e) => e.type === 'reconcile_failed'));
    expect(events.find((e) => e.type === 'reconcile_failed')!.data).toMatchObject({ error: expect.stringMatching(/not a phase of this lifecycle/) });
  });
});
