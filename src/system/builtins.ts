/**
 * Built-in behaviours every system can name in its config, and the control plane the
 * runtime puts first under the root of every system.
 */
import type { AnyActorLogic } from 'xstate';
import type { z } from 'zod';
import { CONTROL_PLANE_ID, controlPlane } from '../control-plane/control-plane.js';
import { eventStoreBehaviours, eventStoreParams } from '../eventstore/index.js';
import { resourceBehaviours, resourceParams } from '../resources/index.js';
import { workflowBehaviours, workflowParamsSchemas } from '../workflows/index.js';
import { DEFAULTS, type SystemSpec, type WorkerSpec } from '../spec/types.js';

export function builtinBehaviours(): Record<string, AnyActorLogic> {
  return { 'control-plane': controlPlane, ...eventStoreBehaviours, ...resourceBehaviours, ...workflowBehaviours() };
}

/** Params schemas of the built-ins, minus any name the embedder registered its own logic under. */
export function builtinParams(overridden: Iterable<string> = []): ReadonlyMap<string, z.ZodType> {
  const map = new Map([...eventStoreParams, ...resourceParams, ...workflowParamsSchemas]);
  for (const name of overridden) map.delete(name);
  return map;
}

const CONTROL_PLANE_SPEC: WorkerSpec = Object.freeze({
  kind: 'worker',
  id: CONTROL_PLANE_ID,
  behaviour: 'control-plane',
  params: Object.freeze({}),
  restart: 'permanent',
  shutdown: DEFAULTS.workerShutdownMs,
  // Ready once the admin endpoint listens; not itself one of the systems it waits for.
  readiness: Object.freeze({ mode: 'signal', required: false, timeoutMs: DEFAULTS.readinessTimeoutMs }),
  mailbox: Object.freeze({ ...DEFAULTS.mailbox }),
  significant: false,
  inputs: Object.freeze([]),
}) as WorkerSpec;

/**
 * The root with the control plane first (a config may declare `control-plane` itself, at
 * any position, to tune it; it still starts first) and `leading: 1`, so the rest start only
 * once it is ready.
 */
export function withControlPlane(spec: SystemSpec): SystemSpec {
  const declared = spec.root.children.find((c) => c.id === CONTROL_PLANE_ID);
  const rest = spec.root.children.filter((c) => c.id !== CONTROL_PLANE_ID);
  const root = Object.freeze({ ...spec.root, leading: 1, children: Object.freeze([declared ?? CONTROL_PLANE_SPEC, ...rest]) });
  return Object.freeze({ ...spec, root });
}
