/**
 * Starts an event store with a `resources` actor in process (memory journal unless told),
 * optionally a gateway on a free port and controllers; a ManualClock drives runtime and actor
 * time while I/O runs for real. Systems are stopped after each test.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyActorLogic } from 'xstate';
import { afterEach } from 'vitest';
import { resources, startSystem, type System } from '../../src/index.js';
import { ManualClock } from '../support/manual-clock.js';

export const LAB_KIND = {
  kind: 'LabInstance',
  plural: 'labinstances',
  schema: {
    type: 'object',
    properties: {
      image: { type: 'string', minLength: 1 },
      provisionMs: { type: 'integer', minimum: 0 },
      ttlMs: { type: 'integer', minimum: 0 },
      stuckMs: { type: 'integer', minimum: 0 },
      cleanupMs: { type: 'integer', minimum: 0 },
    },
    required: ['image'],
    additionalProperties: false,
  },
};

export interface ResourceSystemOptions {
  kinds?: unknown[];
  gateway?: boolean | Record<string, unknown>;
  /** Extra root children after resources (controllers). */
  children?: Record<string, unknown>[];
  behaviours?: Record<string, AnyActorLogic>;
  clock?: ManualClock | false;
  backend?: 'memory' | 'sqlite';
  dataDir?: string;
  /** Leave out the resources actor (a gateway without one). */
  noResources?: boolean;
  intensity?: { maxRestarts: number; periodMs: number };
  /** An admin endpoint on a free port (for /metrics). */
  admin?: boolean;
}

export async function startResourceSystem(options: ResourceSystemOptions = {}) {
  const clock = options.clock === false ? undefined : (options.clock ?? new ManualClock());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'overseer-resources-'));
  const children: Record<string, unknown>[] = [
    { id: 'persistence', behaviour: 'persistence', params: { backend: options.backend ?? 'memory' } },
    { id: 'notification', behaviour: 'notification' },
    { id: 'store', behaviour: 'store' },
  ];
  if (!options.noResources) children.push({ id: 'resources', behaviour: 'resources', params: { kinds: options.kinds ?? [LAB_KIND] } });
  children.push(...(options.children ?? []));
  if (options.gateway) children.push({ id: 'gateway', behaviour: 'gateway', params: { port: 0, ...(typeof options.gateway === 'object' ? options.gateway : {}) } });
  const system: System = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'resources-test' },
      spec: { node: 'n1', dataDir, strategy: 'one_for_one', start: 'sequential', intensity: options.intensity ?? { maxRestarts: 10, periodMs: 10_000 }, children },
    },
    behaviours: options.behaviours,
    admin: options.admin ? { port: 0 } : false,
    env: {},
    ...(clock ? { clock } : {}),
  });
  await system.ready({ timeoutMs: 10_000 });
  const gatewayNode = system.status().children!.find((c) => c.id === 'gateway');
  return { system, api: resources(system), clock: clock as ManualClock, url: (gatewayNode?.info?.url as string | undefined) ?? '', dataDir };
}

/** For a test file: systems started through it are stopped after each test. */
export function resourceSystems(defaults: ResourceSystemOptions = {}) {
  const running: System[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (options: ResourceSystemOptions = {}) => {
    const started = await startResourceSystem({ ...defaults, ...options });
    running.push(started.system);
    return started;
  };
}

/** Lets real I/O (setImmediate-driven store work) settle: a bounded number of event-loop turns. */
export async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** Moves the manual clock forward in steps, letting work settle after each. */
export async function advance(clock: ManualClock, ms: number, stepMs = 250): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    await clock.advance(Math.min(stepMs, ms - done));
    await settle(20);
  }
}

/** Polls `cond` across event-loop turns (bounded, no sleeps). */
export async function until(cond: () => boolean | Promise<boolean>, turns = 5000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('until: condition not met');
}
