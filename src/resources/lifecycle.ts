/**
 * A resource's phases as an XState machine (the optional helper of DESIGN §12). The top-level
 * states are the phases, `status.phase` the current one: each reconcile restores that state,
 * sends what it observes (`resource.deleted` while being deleted, your own events), fires the
 * `after` delays that have elapsed since `status.phaseSince`, and writes every transition as
 * one status update. A delay still to come becomes the reconcile's `requeueAfterMs`. A phase
 * written by anyone else that the machine cannot reach from the last one it wrote is refused:
 * put back, and the reconcile fails with IllegalTransitionError.
 * @example
 * export const { reconcile, finalize } = lifecycle(labMachine, { phases: { expired: (lab, ctx) => … } });
 */
import { createActor, type AnyStateMachine, type EventObject } from 'xstate';
import type { ReconcileContext, ReconcileResult } from './controller/handlers.js';
import { IllegalTransitionError } from './errors.js';
import type { Resource } from './model.js';

export interface LifecycleOptions {
  /** Work to do while in a phase, on every reconcile in it (idempotent: ensure, do not assume). */
  phases?: Record<string, (resource: Resource, ctx: ReconcileContext) => void | Promise<void>>;
  /** What the reconciler observes, as events for the machine; those the phase does not accept are ignored. */
  events?: (resource: Resource, ctx: ReconcileContext) => EventObject[] | Promise<EventObject[]>;
  /** The event sent while the resource is being deleted (default `resource.deleted`). */
  deletedEvent?: string;
  /** More status fields written with each transition into `phase` (a merge patch: null removes a field). */
  statusOf?: (phase: string, resource: Resource) => Record<string, unknown>;
}

interface Transition {
  /** Absent for the first phase (a merge patch cannot write null). */
  from?: string;
  to: string;
  event: string;
  time: string;
}

type Node = {
  key: string;
  type: string;
  after: { delay: unknown; eventType: string }[];
  transitions: Map<string, { target?: readonly { key: string }[] }[]>;
  always?: { target?: readonly { key: string }[] }[];
};

/** A silent clock: restoring a snapshot must not schedule anything; delays are ours to count. */
const NO_TIMERS = { setTimeout: () => 0, clearTimeout: () => undefined };
const MAX_STEPS = 32;

export function lifecycle(machine: AnyStateMachine, options: LifecycleOptions = {}) {
  const root = machine.root as unknown as Node & { states: Record<string, Node>; initial?: { target?: readonly { key: string }[] } };
  const phases = Object.keys(root.states);
  const initialPhase = root.initial?.target?.[0]?.key ?? phases[0]!;
  const deletedEvent = options.deletedEvent ?? 'resource.deleted';

  const delayOf = (delay: unknown, resource: Resource): number => {
    const named = typeof delay === 'string' && !/^\d+$/.test(delay) ? (machine.implementations.delays as Record<string, unknown> | undefined)?.[delay] : delay;
    const value = typeof named === 'function' ? (named as (a: object) => unknown)({ context: { resource }, event: { type: 'xstate.init' } }) : named;
    const ms = Number(value);
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`lifecycle: delay ${String(delay)} is ${String(value)}, not a number of ms`);
    return ms;
  };

  /** Phases one transition away from `from` (its own transitions, eventless ones and the machine's). */
  const successors = (from: string): Set<string> => {
    const out = new Set<string>();
    for (const node of [root.states[from], root]) {
      if (!node) continue;
      for (const list of node.transitions.values()) for (const t of list) for (const target of t.target ?? []) out.add(target.key);
      for (const t of node.always ?? []) for (const target of t.target ?? []) out.add(target.key);
    }
    return out;
  };

  /** The phase `event` takes `phase` to (itself when the machine does not move). */
  const next = (phase: string, resource: Resource, event: EventObject): string => {
    const snapshot = machine.resolveState({ value: phase, context: { resource } });
    if (!snapshot.can(event)) return phase;
    const actor = createActor(machine, { snapshot, clock: NO_TIMERS });
    actor.start();
    actor.send(event);
    const value = actor.getSnapshot().value;
    actor.stop();
    return typeof value === 'string' ? value : Object.keys(value as object)[0]!;
  };

  async function step(resource: Resource, ctx: ReconcileContext): Promise<{ phase: string; pendingMs: number | undefined; resource: Resource }> {
    let current = resource;
    const status = current.status as { phase?: unknown; phaseSince?: unknown; lastTransition?: Transition };
    const write = async (from: string | null, to: string, event: string, since: number) => {
      const lastTransition: Transition = { ...(from === null ? {} : { from }), to, event, time: new Date(ctx.now()).toISOString() };
      current = await ctx.client.patchStatus(current.kind, current.metadata.namespace, current.metadata.name, {
        metadata: { resourceVersion: current.metadata.resourceVersion },
        status: { ...options.statusOf?.(to, current), phase: to, phaseSince: new Date(since).toISOString(), observedGeneration: current.metadata.generation, lastTransition },
      });
    };
    let phase: string;
    let since: number;
    if (status.phase === undefined) {
      since = ctx.now();
      await write(null, (phase = initialPhase), 'xstate.init', since);
    } else {
      phase = String(status.phase);
      since = Date.parse(String(status.phaseSince ?? current.metadata.creationTimestamp));
      if (!Number.isFinite(since)) since = ctx.now();
      const last = status.lastTransition?.to;
      if (!Object.hasOwn(root.states, phase)) throw new IllegalTransitionError(last, phase, `not a phase of this lifecycle (${phases.join(', ')})`);
      if (last !== undefined && last !== phase) {
        if (!Object.hasOwn(root.states, last) || !successors(last).has(phase)) {
          const lastSince = Date.parse(status.lastTransition!.time);
          await write(phase, last, 'refused', Number.isFinite(lastSince) ? lastSince : ctx.now());
          throw new IllegalTransitionError(last, phase, 'the machine has no transition between them; the phase was put back');
        }
        await write(last, phase, '(external)', since);
      }
    }
    for (let n = 0; n < MAX_STEPS; n++) {
      const observed = [...(current.metadata.deletionTimestamp !== undefined ? [{ type: deletedEvent }] : []), ...((await options.events?.(current, ctx)) ?? [])];
      const moved = observed.map((e) => ({ e, to: next(phase, current, e) })).find((m) => m.to !== phase);
      if (moved) {
        since = ctx.now();
        await write(phase, moved.to, moved.e.type, since);
        phase = moved.to;
        continue;
      }
      // The earliest delay that has elapsed fires first, as its timer would have.
      const delays = root.states[phase]!.after.map((a) => ({ ms: delayOf(a.delay, current), eventType: a.eventType })).sort((a, b) => a.ms - b.ms);
      const fired = delays.filter((d) => since + d.ms <= ctx.now()).map((d) => ({ d, to: next(phase, current, { type: d.eventType }) })).find((f) => f.to !== phase);
      if (!fired) {
        const pending = delays.map((d) => since + d.ms - ctx.now()).filter((ms) => ms > 0);
        return { phase, pendingMs: pending.length > 0 ? Math.min(...pending) : undefined, resource: current };
      }
      since += fired.d.ms; // the phase began when the delay elapsed, however late this reconcile is
      await write(phase, fired.to, `after ${fired.d.ms} ms`, since);
      phase = fired.to;
    }
    throw new Error(`lifecycle: more than ${MAX_STEPS} transitions in one reconcile (a cycle of zero delays?)`);
  }

  const run = async (resource: Resource, ctx: ReconcileContext) => {
    const done = await step(resource, ctx);
    await options.phases?.[done.phase]?.(done.resource, ctx);
    return done;
  };

  return {
    phases,
    /** Moves the resource through its phases; requeued for the next delay still to come. */
    async reconcile(resource: Resource, ctx: ReconcileContext): Promise<ReconcileResult> {
      const { pendingMs } = await run(resource, ctx);
      return pendingMs === undefined ? undefined : { requeueAfterMs: pendingMs };
    },
    /** As reconcile, while being deleted: done (the finalizer comes off) once the machine is in a final state. */
    async finalize(resource: Resource, ctx: ReconcileContext): Promise<ReconcileResult> {
      const { phase, pendingMs } = await run(resource, ctx);
      if (root.states[phase]!.type === 'final') return undefined;
      return pendingMs === undefined ? { requeue: true } : { requeueAfterMs: pendingMs };
    },
  };
}
