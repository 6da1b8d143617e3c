/**
 * Workflow benchmarks (issue 16): a 3-step playbook with no-op handlers run to completion,
 * many executions at once, against its baseline: the same 14 events per execution appended
 * one durable append per event through the same store (so the ratio is the broker's, queue's
 * and workers' overhead per event they write); and RSS with 1000 executions running at once,
 * against the same store holding their logs only. Journal at synchronous=normal, as the issue
 * sets; systems start through startSystem() (control plane included).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStore, startSystem, workflowBehaviours, workflows } from '../../dist/index.js';
import type { Measurement, Scenario } from './harness.js';

const EXECUTIONS = 1000;
const EVENTS = 14;
const tmp = () => mkdtempSync(join(tmpdir(), 'overseer-bench-wf-'));

const PLAYBOOK = `apiVersion: overseer/v1
kind: Playbook
metadata: { name: three }
spec:
  workflow:
    - { step: start, type: start, next: [{ step: a }] }
    - { step: a, run: task, next: [{ step: b }] }
    - { step: b, run: task, next: [{ step: c }] }
    - { step: c, run: task, next: [{ step: end }] }
    - { step: end, type: end }
`;

type Started = Awaited<ReturnType<typeof workflowSystem>>;

async function workflowSystem(task: (input: unknown) => unknown, withWorkflows = true) {
  const dir = tmp();
  writeFileSync(join(dir, 'three.yaml'), PLAYBOOK);
  const children: Record<string, unknown>[] = [
    { id: 'persistence', behaviour: 'persistence', params: { synchronous: 'normal' } },
    { id: 'notification', behaviour: 'notification' },
    { id: 'store', behaviour: 'store' },
  ];
  if (withWorkflows) {
    children.push(
      { id: 'workflows', behaviour: 'workflows', params: { playbooks: [join(dir, 'three.yaml')] }, mailbox: { capacity: 100_000 } },
      { id: 'worker-1', behaviour: 'workflow-worker', params: { concurrency: 64 } },
      { id: 'worker-2', behaviour: 'workflow-worker', params: { concurrency: 64 } },
    );
  }
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'bench' }, spec: { node: 'bench', dataDir: join(dir, 'data'), children } },
    behaviours: workflowBehaviours({ handlers: { task } }),
    admin: false,
    env: {},
  });
  await system.ready({ timeoutMs: 20_000 });
  const info = () => (system.statusAt('root/workflows')?.info ?? {}) as { completed?: number };
  return { system, wf: workflows(system, 'root/workflows', 60_000), store: eventStore(system, 'root', 60_000), completed: () => info().completed ?? 0 };
}

/** Waits for a condition, looking every 5 ms (a status read costs a query: looking every turn would measure the looking). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/** Creates n executions at once and waits for all to complete; time per execution, from the first create to the last completion. */
async function runExecutions(s: Started, n: number): Promise<Measurement> {
  const before = s.completed();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: n }, () => s.wf.create({ playbook: 'three' })));
  await until(() => s.completed() >= before + n);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  return { value: ns, unit: 'ns', note: `${Math.round(1e9 / ns)} executions/s` };
}

/** The baseline: the events n executions write (14 each), one durable append per event, n streams at once. */
async function runAppends(s: Started, n: number, tag: string): Promise<Measurement> {
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      for (let v = 0; v < EVENTS; v++) await s.store.append(`bench-${tag}-${i}`, [{ type: 'step_event', data: { step: 'a', visit: 1, attempt: 1, output: null } }], { expectedVersion: v - 1 });
    }),
  );
  const ns = Number(process.hrtime.bigint() - t0) / n;
  return { value: ns, unit: 'ns', note: `${Math.round(1e9 / ns)} executions' worth of appends/s` };
}

function throughput(): Scenario {
  let ours: Started | undefined;
  let base: Started | undefined;
  let round = 0;
  return {
    name: `3-step playbook, no-op handlers, ${EXECUTIONS} at once, to completion (per execution)`,
    ours: {
      label: 'overseer workflows (broker + durable queue + 2 workers)',
      n: EXECUTIONS,
      async run(n) {
        ours ??= await workflowSystem(() => null);
        return runExecutions(ours, n);
      },
    },
    baselines: [
      {
        label: `the same ${EVENTS} events, 1 durable append each (eventStore.append)`,
        n: EXECUTIONS,
        async run(n) {
          base ??= await workflowSystem(() => null, false);
          return runAppends(base, n, String(round++));
        },
      },
    ],
    targets: [
      { baseline: `the same ${EVENTS} events, 1 durable append each (eventStore.append)`, text: '≥ 1000 executions/s; per-step overhead ≤ 3× one durable append per event', ok: (ratio, ns) => ns <= 1e6 && ratio <= 3 },
    ],
  };
}

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

function memory(): Scenario {
  const figures: { before: number; after: number }[] = [];
  /** Handlers wait on it: the executions of a run all stay running until it is released. */
  let gate: Promise<void> = Promise.resolve();
  let ours: Started | undefined;
  let base: Started | undefined;
  let round = 0;
  return {
    name: `RSS with ${EXECUTIONS} executions running at once, after they complete (per execution)`,
    ours: {
      label: 'overseer workflows: RSS after − before',
      n: EXECUTIONS,
      async run(n) {
        ours ??= await workflowSystem(() => gate.then(() => null));
        await runExecutions(ours, 50); // warm: code paths, pages, caches
        let release: (() => void) | undefined;
        gate = new Promise<void>((r) => (release = r));
        const before = rss();
        const created = Promise.all(Array.from({ length: n }, () => ours!.wf.create({ playbook: 'three' })));
        await created;
        const done = ours.completed() + n;
        release!();
        await until(() => ours!.completed() >= done);
        await new Promise((r) => setTimeout(r, 200));
        const after = rss();
        figures.push({ before, after });
        return { value: Math.max(0, after - before) / n, unit: 'B', note: `RSS ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB, ×${(after / before).toFixed(2)}` };
      },
    },
    baselines: [
      {
        label: `the store alone, holding the same logs (${EVENTS} appends per execution)`,
        n: EXECUTIONS,
        async run(n) {
          base ??= await workflowSystem(() => null, false);
          await runAppends(base, 50, `warm-${round}`);
          const before = rss();
          await runAppends(base, n, `m-${round++}`);
          await new Promise((r) => setTimeout(r, 200));
          const after = rss();
          return { value: Math.max(0, after - before) / n, unit: 'B', note: `RSS ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB` };
        },
      },
    ],
    targets: [
      {
        baseline: `the store alone, holding the same logs (${EVENTS} appends per execution)`,
        text: 'flat: RSS after ≤ 1.2× before (the logs are on disk: SQLite journal)',
        ok: () => figures.length > 0 && figures.every((f) => f.after <= 1.2 * f.before),
      },
    ],
  };
}

export const scenarios: Scenario[] = [throughput(), memory()];
