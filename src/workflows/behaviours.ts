/**
 * The `workflows` and `workflow-worker` behaviours (DESIGN §13). `workflows` owns the engine:
 * it registers the playbooks of its params, resumes what was running, and answers requests
 * (create, get, cancel, playbooks; lease, heartbeat, complete, release from workers); ready
 * once resumed. A `workflow-worker` long-polls it for tasks and runs their handlers; stopped
 * gracefully it hands its tasks back, killed it leaves them to their leases.
 * `workflowBehaviours({ handlers, clock })` builds both around one handler registry.
 */
import { setMaxListeners } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fromCallback, type AnyActorLogic } from 'xstate';
import { readyBySignal, STOP_EVENT, STOPPED_SIGNAL, stopsBySignal } from '../actors/logic-traits.js';
import { eventStoreClient } from '../eventstore/client.js';
import { StoreUnavailableError } from '../eventstore/errors.js';
import { call, refuseUnknown, respond, siblingPath, type ReplyTarget } from '../eventstore/protocol.js';
import { systemClock, type Clock, type TimerHandle } from '../shared/clock.js';
import { runtimeOf } from '../system/context.js';
import { WorkflowEngine, type TaskOutcome } from './engine/engine.js';
import { registerPlaybooks } from './engine/register.js';
import { BUILTIN_HANDLERS, type TaskHandler } from './handlers.js';
import { openWorkflowsDb } from './queue/database.js';
import type { Lease } from './queue/task-queue.js';
import { workflowsParams, workflowWorkerParams } from './params.js';
import { runTask } from './worker/run-task.js';

export interface WorkflowBehaviourOptions {
  /** Task handlers `run:` may name, besides the built-ins (noop, echo, sleep). */
  readonly handlers?: Readonly<Record<string, TaskHandler>>;
  /** Injected time (tests): leases, redelivery, long polls, timeouts. */
  readonly clock?: Clock;
}

type Request = { readonly type: string; readonly replyTo?: ReplyTarget; readonly [key: string]: unknown };

const REQUESTS = ['create', 'get', 'cancel', 'playbooks', 'lease', 'heartbeat', 'complete', 'release'] as const;

/**
 * Both behaviours, sharing `handlers`.
 * @example
 * const system = await startSystem({ spec, behaviours: workflowBehaviours({ handlers: { square: async (n) => n * n } }) });
 */
export function workflowBehaviours(options: WorkflowBehaviourOptions = {}): { workflows: AnyActorLogic; 'workflow-worker': AnyActorLogic } {
  const handlers = new Map<string, TaskHandler>([...Object.entries(BUILTIN_HANDLERS), ...Object.entries(options.handlers ?? {})]);
  const clock = options.clock ?? systemClock;
  return { workflows: workflowsLogic(handlers, clock), 'workflow-worker': workerLogic(handlers, clock) };
}

function sleep(clock: Clock, ms: number, timers: Set<TimerHandle>): Promise<void> {
  return new Promise((done) => {
    const timer = clock.setTimeout(() => (timers.delete(timer), done()), ms);
    timers.add(timer);
  });
}

function workflowsLogic(handlers: ReadonlyMap<string, TaskHandler>, clock: Clock): AnyActorLogic {
  return readyBySignal(
    fromCallback<Request, unknown, { type: 'ready' }>(({ self, input, receive, emit }) => {
      const rt = runtimeOf(self);
      const params = workflowsParams.parse(input ?? {});
      const sibling = (id: string) => siblingPath(rt.path, id);
      const store = eventStoreClient(rt.ask, { store: sibling(params.store), notification: sibling(params.notification), cluster: sibling('cluster') }, params.requestTimeoutMs);
      const db = openWorkflowsDb(resolve(rt.system.spec.dataDir, params.file));
      const publish = (type: string, data: Record<string, unknown>) => void rt.publish({ type, category: 'workflow', data });
      const engine = new WorkflowEngine({
        store,
        db,
        clock,
        logger: rt.logger,
        queue: { leaseMs: params.leaseMs, maxDeliveries: params.maxDeliveries, redelivery: params.redelivery },
        maxActive: params.maxActive,
        publish,
      });
      rt.report(() => engine.report());
      let ready = false;
      let stopped = false;
      const timers = new Set<TimerHandle>();

      const init = async () => {
        const baseDir = rt.system.spec.source ? dirname(rt.system.spec.source) : process.cwd();
        await registerPlaybooks(engine, params.playbooks, baseDir, handlers, rt.logger, publish);
        // The store starts beside us: until it answers, recovery waits and tries again.
        for (let attempt = 0; !stopped; attempt++) {
          try {
            await engine.recover();
            break;
          } catch (error) {
            if (!(error instanceof StoreUnavailableError)) throw error;
            if (attempt > 0) rt.logger.warn({ err: error }, 'workflows: the store is not answering yet; resuming executions later');
            await sleep(clock, Math.min(2000, 50 * 2 ** attempt), timers);
          }
        }
        if (stopped) return;
        ready = true;
        emit({ type: 'ready' });
      };
      init().catch((error: unknown) => self.send({ type: 'init_failed', error }));

      const starting = () => new StoreUnavailableError(`${rt.path} (starting: resuming executions)`);
      receive((m) => {
        const r = m.replyTo;
        switch (m.type) {
          case 'init_failed':
            throw new Error(`workflows cannot start: ${(m.error as Error).message}`, { cause: m.error });
          case 'lease':
            return respond(r, () => engine.lease(String(m.worker ?? 'worker'), Number(m.max ?? 1), Number(m.waitMs ?? 0)));
          case 'heartbeat':
            return respond(r, () => engine.heartbeat(String(m.id), String(m.token)));
          case 'complete':
            return respond(r, () => engine.complete(String(m.id), String(m.token), m.outcome as TaskOutcome, m.next === undefined ? undefined : { worker: String(m.worker ?? 'worker'), max: Number(m.next) }));
          case 'release':
            return respond(r, () => engine.release(String(m.id), String(m.token)));
          case 'playbooks':
            return respond(r, () => ({ playbooks: engine.listPlaybooks() }));
          case 'create':
          case 'get':
          case 'cancel':
            if (!ready) return respond(r, () => Promise.reject(starting()));
            if (m.type === 'create') return respond(r, () => engine.create(m as { playbook?: unknown; workload?: unknown; executionId?: unknown }));
            if (m.type === 'get') return respond(r, () => engine.get(String(m.executionId)));
            return respond(r, () => engine.cancel(String(m.executionId), m.reason));
          default:
            refuseUnknown(rt.logger, 'workflows', m, REQUESTS);
        }
      });

      return () => {
        stopped = true;
        for (const t of timers) clock.clearTimeout(t);
        engine.close();
        db.close();
      };
    }),
  );
}

function workerLogic(handlers: ReadonlyMap<string, TaskHandler>, clock: Clock): AnyActorLogic {
  return stopsBySignal(
    fromCallback<{ type: string }, unknown, { type: typeof STOPPED_SIGNAL }>(({ self, input, receive, emit }) => {
      const rt = runtimeOf(self);
      const params = workflowWorkerParams.parse(input ?? {});
      const path = siblingPath(rt.path, params.workflows);
      const ask = <T>(message: Request, timeoutMs: number) => call<T>(rt.ask, path, message, timeoutMs);
      const stop = new AbortController();
      setMaxListeners(0, stop.signal); // one listener per task in flight: concurrency may be in the thousands
      const timers = new Set<TimerHandle>();
      /** A graceful stop: tasks in hand go back to the queue. A kill: they wait for their leases to run out. */
      let mode: 'running' | 'stopping' | 'killed' = 'running';
      const running = new Map<string, Lease>();
      const figures = { completed: 0, failed: 0, rejected: 0 };
      rt.report(() => ({ running: running.size, ...figures }));

      const release = (lease: Lease) => rt.send(path, { type: 'release', id: lease.task.id, token: lease.token });

      /** Runs one task and reports it; resolves with the next task(s) handed back with the report. */
      const runOne = async (lease: Lease): Promise<Lease[]> => {
        running.set(lease.task.id, lease);
        try {
          const outcome = await runTask(lease.task, {
            handlers,
            clock,
            logger: rt.logger,
            worker: rt.path,
            signal: stop.signal,
            heartbeat: () => ask<{ ok: boolean }>({ type: 'heartbeat', id: lease.task.id, token: lease.token }, params.pollMs + 5000).then((a) => a.ok),
          });
          if (mode !== 'running') return []; // stopping: released by the stop; killed: left to its lease
          for (let attempt = 0; ; attempt++) {
            try {
              const answer = await ask<{ accepted: boolean; next: Lease[] }>(
                { type: 'complete', id: lease.task.id, token: lease.token, outcome, worker: rt.path, next: 1 },
                params.pollMs + 5000,
              );
              if (!answer.accepted) figures.rejected += 1;
              else figures[outcome.ok ? 'completed' : 'failed'] += 1;
              return answer.next ?? [];
            } catch (error) {
              // The workflows actor restarts: keep the result while the lease may still hold.
              if (mode !== 'running' || clock.now() > lease.leaseUntil) return [];
              rt.logger.debug({ err: error, task: lease.task.id }, 'task result not delivered; retrying');
              await sleep(clock, Math.min(2000, params.retryMs * 2 ** attempt), timers);
            }
          }
        } finally {
          running.delete(lease.task.id);
        }
      };

      const slot = async () => {
        const inHand: Lease[] = [];
        while (mode === 'running' || inHand.length > 0) {
          if (inHand.length === 0) {
            try {
              inHand.push(...(await ask<Lease[]>({ type: 'lease', worker: rt.path, max: 1, waitMs: params.pollMs }, params.pollMs + 10_000)));
            } catch {
              if (mode !== 'running') return;
              await sleep(clock, params.retryMs, timers);
            }
            continue;
          }
          const lease = inHand.shift()!;
          if (mode !== 'running') release(lease); // handed out after the stop began: never started
          else inHand.push(...(await runOne(lease)));
        }
      };
      for (let i = 0; i < params.concurrency; i++) void slot();

      const halt = (how: 'stopping' | 'killed') => {
        if (mode !== 'running') return;
        mode = how;
        for (const t of timers) clock.clearTimeout(t);
        stop.abort();
      };

      receive((event) => {
        if (event.type !== STOP_EVENT) return;
        halt('stopping');
        for (const lease of running.values()) release(lease);
        running.clear();
        emit({ type: STOPPED_SIGNAL });
      });

      return () => halt('killed');
    }),
  );
}
