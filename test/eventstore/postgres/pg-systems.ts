/**
 * In-process event-store systems on PostgreSQL for tests: persistence, notification and
 * cluster on one schema (fresh per test file unless given), a gateway on a free port. Several
 * systems on one schema are several nodes of one cluster in this process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { eventStore, startSystem } from '../../../src/index.js';
import type { System } from '../../../src/system/system.js';
import { dropSchemas, pgUrl, uniqueSchema } from './pg-env.js';

export interface PgNodeOptions {
  node?: string;
  schema: string;
  persistence?: Record<string, unknown>;
  notification?: Record<string, unknown>;
  cluster?: Record<string, unknown> | false;
  gateway?: boolean;
  /** Extra children of the root (singletons…). */
  children?: Record<string, unknown>[];
  /** Wait for system_ready (default true). */
  ready?: boolean;
  behaviours?: Record<string, unknown>;
  /** Serve the admin endpoint on a free port (adminUrl). */
  admin?: boolean;
}

export async function startPgNode(options: PgNodeOptions) {
  const url = pgUrl();
  const pg = { url, schema: options.schema };
  const children: Record<string, unknown>[] = [
    { id: 'persistence', behaviour: 'persistence', params: { backend: 'postgres', ...pg, recoveryProbeMs: 100, ...options.persistence } },
    { id: 'notification', behaviour: 'notification', params: { backend: 'postgres', ...pg, pollMs: 1000, ...options.notification } },
    { id: 'store', behaviour: 'store' },
  ];
  if (options.cluster !== false) children.push({ id: 'cluster', behaviour: 'cluster', params: { backend: 'postgres', ...pg, heartbeatMs: 200, ttlMs: 1500, ...options.cluster } });
  if (options.gateway !== false) children.push({ id: 'gateway', behaviour: 'gateway', params: { port: 0 } });
  children.push(...(options.children ?? []));
  const system = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'pg-test' },
      spec: { node: options.node ?? 'n1', dataDir: mkdtempSync(join(tmpdir(), 'overseer-pgnode-')), start: 'parallel', intensity: { maxRestarts: 20, periodMs: 10_000 }, children },
    },
    admin: options.admin ? { port: 0 } : false,
    env: {},
    ...(options.behaviours ? { behaviours: options.behaviours as never } : {}),
  });
  if (options.ready !== false) await system.ready({ timeoutMs: 15_000 });
  const gatewayNode = system.status().children!.find((c) => c.id === 'gateway');
  return { system, store: eventStore(system), url: (gatewayNode?.info?.url as string | undefined) ?? '', adminUrl: system.adminUrl };
}

/** For a test file: a schema of its own for each test (the nodes it starts share it), every node stopped after each test, the schemas dropped at the end. */
export function pgNodes() {
  let schema = uniqueSchema('sys');
  const used = [schema];
  const running: System[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    used.push((schema = uniqueSchema('sys')));
  });
  afterAll(() => dropSchemas(used));
  const start = async (options: Partial<PgNodeOptions> = {}) => {
    const started = await startPgNode({ schema, ...options });
    running.push(started.system);
    return started;
  };
  return {
    /** The current test's schema. */
    get schema() {
      return schema;
    },
    start,
  };
}
