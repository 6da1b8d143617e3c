/**
 * Starts the event-store system of systems/default.yaml in process for tests: memory or
 * SQLite journal, gateway on a free port, no admin listener unless asked. Also a helper to
 * wait for bus events without sleeping.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { eventStore, startSystem, type EventEnvelope } from '../../src/index.js';
import type { System } from '../../src/system/system.js';

export interface StoreSystemOptions {
  backend?: 'memory' | 'sqlite';
  gateway?: boolean;
  admin?: boolean;
  persistence?: Record<string, unknown>;
  gatewayParams?: Record<string, unknown>;
  notification?: Record<string, unknown>;
  dataDir?: string;
}

export async function startStoreSystem(options: StoreSystemOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'overseer-store-'));
  const children: Record<string, unknown>[] = [
    { id: 'persistence', behaviour: 'persistence', params: { backend: options.backend ?? 'memory', ...options.persistence } },
    { id: 'notification', behaviour: 'notification', params: { ...options.notification } },
    { id: 'store', behaviour: 'store' },
    { id: 'cluster', behaviour: 'cluster' },
  ];
  if (options.gateway !== false) children.push({ id: 'gateway', behaviour: 'gateway', params: { port: 0, ...options.gatewayParams } });
  const system = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'store-test' },
      spec: { node: 'n1', dataDir, strategy: 'one_for_one', start: 'parallel', intensity: { maxRestarts: 10, periodMs: 10_000 }, children },
    },
    admin: options.admin ? { port: 0 } : false,
    env: {},
  });
  await system.ready({ timeoutMs: 10_000 });
  const gatewayNode = system.status().children!.find((c) => c.id === 'gateway');
  const url = gatewayNode?.info?.url as string | undefined;
  return { system, store: eventStore(system), url: url ?? '', dataDir };
}

/** Resolves with the first bus event of `type` (matching `where`) published from now on. */
export function nextEvent(system: System, type: string, where: (e: EventEnvelope) => boolean = () => true): Promise<EventEnvelope> {
  const sub = system.events.subscribe(`test-wait-${type}`, { types: [type], lateJoin: true, where });
  return (async () => {
    for await (const event of sub) {
      sub.unsubscribe();
      return event;
    }
    throw new Error(`bus closed before ${type}`);
  })();
}

/** For a test file: a start function whose systems are all stopped after each test. */
export function storeSystems(defaults: StoreSystemOptions = {}) {
  const running: System[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (options: StoreSystemOptions = {}) => {
    const started = await startStoreSystem({ ...defaults, ...options });
    running.push(started.system);
    return started;
  };
}
