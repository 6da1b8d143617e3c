/**
 * Starts an event store with the workflow actors in process for tests: playbooks from files
 * (absolute paths) or written to a temp dir from objects, handlers and clock injected through
 * workflowBehaviours, the gateway on a free port when asked. Systems stop after each test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { stringify } from 'yaml';
import { eventStore, startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import type { Clock } from '../../src/shared/clock.js';
import { workflowBehaviours, workflows, type AnyExecutionEvent, type TaskHandler } from '../../src/workflows/index.js';
import { executionStream } from '../../src/workflows/log.js';

export const PLAYBOOKS = fileURLToPath(new URL('../../systems/playbooks/', import.meta.url));

export interface WorkflowSystemOptions {
  /** Playbook file paths, or playbook objects (written to YAML files in a temp dir). */
  playbooks?: (string | Record<string, unknown>)[];
  handlers?: Record<string, TaskHandler>;
  clock?: Clock;
  workers?: number;
  worker?: Record<string, unknown>;
  /** Extra child-spec fields of every worker (e.g. restart: temporary). */
  workerSpec?: Record<string, unknown>;
  workflows?: Record<string, unknown>;
  backend?: 'memory' | 'sqlite';
  dataDir?: string;
  gateway?: boolean;
}

export function writePlaybook(doc: Record<string, unknown>, dir = mkdtempSync(join(tmpdir(), 'overseer-playbook-'))): string {
  const file = join(dir, `${(doc.metadata as { name?: string } | undefined)?.name ?? 'playbook'}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

export async function startWorkflowSystem(options: WorkflowSystemOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'overseer-wf-'));
  const files = (options.playbooks ?? []).map((p) => (typeof p === 'string' ? p : writePlaybook(p)));
  const children: Record<string, unknown>[] = [
    { id: 'persistence', behaviour: 'persistence', params: { backend: options.backend ?? 'memory', synchronous: 'normal' } },
    { id: 'notification', behaviour: 'notification' },
    { id: 'store', behaviour: 'store' },
    { id: 'workflows', behaviour: 'workflows', params: { playbooks: files, ...options.workflows } },
    ...Array.from({ length: options.workers ?? 1 }, (_, i) => ({ id: `worker-${i + 1}`, behaviour: 'workflow-worker', params: { ...options.worker }, ...options.workerSpec })),
  ];
  if (options.gateway) children.push({ id: 'cluster', behaviour: 'cluster' }, { id: 'gateway', behaviour: 'gateway', params: { port: 0 } });
  const system = await startSystem({
    spec: {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'wf-test' },
      spec: { node: 'n1', dataDir, strategy: 'one_for_one', start: 'parallel', intensity: { maxRestarts: 20, periodMs: 10_000 }, children },
    },
    behaviours: options.handlers || options.clock ? workflowBehaviours({ handlers: options.handlers, clock: options.clock }) : {},
    ...(options.clock ? { clock: options.clock } : {}),
    admin: false,
    env: {},
  });
  await system.ready({ timeoutMs: 10_000 });
  const url = (system.status().children!.find((c) => c.id === 'gateway')?.info?.url as string | undefined) ?? '';
  const store = eventStore(system);
  const wf = workflows(system);
  /** The execution's log as stored. */
  const log = async (id: string) => (await store.read(executionStream(id), { limit: 4096 })).events as unknown as (AnyExecutionEvent & { version: number; position: number })[];
  /** Resolves once the execution's log holds a terminal event (polls across event-loop turns, bounded). */
  const settled = async (id: string, turns = 20_000) => {
    for (let i = 0; i < turns; i++) {
      const view = await wf.get(id);
      if (view.status !== 'running') return view;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error(`execution ${id} did not end`);
  };
  return { system, store, wf, url, dataDir, log, settled, files };
}

/** For a test file: a start function whose systems are all stopped after each test. */
export function workflowSystems() {
  const running: System[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (options: WorkflowSystemOptions = {}) => {
    const started = await startWorkflowSystem(options);
    running.push(started.system);
    return started;
  };
}

/** Polls a condition across event-loop turns (real I/O is involved); bounded, never a fixed sleep. */
export async function until(cond: () => boolean | Promise<boolean>, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('until: condition not met');
}
