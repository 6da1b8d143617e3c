/**
 * The workflow engine behind the `workflows` actor: the registered playbooks, the running
 * executions (each an ExecutionRun), and the task queue with its dispatcher (dispatcher.ts:
 * leases, results, redeliveries). It creates, reads and cancels executions, queues what each
 * decision asks for, and resumes what was running when it starts (recovery.ts).
 */
import type { Database as Db } from 'better-sqlite3';
import type { EventStoreClient } from '../../eventstore/client.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { startEvents, type Decision } from '../broker/decide.js';
import { fold } from '../broker/state.js';
import { executionView, type ExecutionView } from '../broker/view.js';
import {
  ExecutionExistsError,
  ExecutionFinishedError,
  ExecutionNotFoundError,
  InvalidWorkflowRequestError,
  InvalidWorkloadError,
  TooManyExecutionsError,
  UnknownPlaybookError,
} from '../errors.js';
import { EXECUTION_ID, executionStream, logEvent, type AnyExecutionEvent } from '../log.js';
import { compilePlaybook } from '../playbook/load.js';
import type { Playbook } from '../playbook/types.js';
import { checkWorkload } from '../playbook/workload.js';
import { deferredCommit } from '../queue/database.js';
import { ExecutionIndex } from '../queue/execution-index.js';
import { TaskQueue, type Lease, type QueueOptions } from '../queue/task-queue.js';
import { TaskDispatcher, type TaskOutcome } from './dispatcher.js';
import { ExecutionRun, type ExecutionHost } from './execution.js';
import { recover } from './recovery.js';

export interface EngineOptions {
  readonly store: EventStoreClient;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly queue: Omit<QueueOptions, 'clock'>;
  /** Executions running at once at most; a create beyond answers TooManyExecutionsError. */
  readonly maxActive: number;
  /** Bus events (dead letters). */
  readonly publish?: (type: string, data: Record<string, unknown>) => void;
}

export type { TaskOutcome } from './dispatcher.js';

export interface PlaybookInfo {
  readonly name: string;
  readonly description?: string;
  readonly file?: string;
  readonly digest: string;
  readonly steps: readonly string[];
  readonly workload?: Playbook['workload'];
}

export class WorkflowEngine {
  readonly queue: TaskQueue;
  readonly index: ExecutionIndex;
  private readonly playbooks = new Map<string, Playbook>();
  private readonly versions = new Map<string, Playbook>();
  private readonly rejected = new Map<string, string>();
  private readonly executions = new Map<string, ExecutionRun>();
  private readonly tasks: TaskDispatcher;
  private readonly host: ExecutionHost;
  private closed = false;
  readonly counts = { created: 0, completed: 0, failed: 0, cancelled: 0, deadLettered: 0 };

  constructor(private readonly options: EngineOptions) {
    this.queue = new TaskQueue(options.db, { ...options.queue, clock: options.clock });
    this.index = new ExecutionIndex(options.db);
    this.tasks = new TaskDispatcher({
      queue: this.queue,
      clock: options.clock,
      logger: options.logger,
      run: (id) => this.executions.get(id),
      ...(options.publish ? { publish: options.publish } : {}),
      deadLettered: () => void (this.counts.deadLettered += 1),
    });
    const engine = this;
    this.host = {
      store: options.store,
      clock: options.clock,
      logger: options.logger,
      committed: (run, decision, position) => this.committed(run, decision, position),
      get closed() {
        return engine.closed;
      },
    };
  }

  // ── playbooks ──────────────────────────────────────────────────────────────

  register(playbook: Playbook): void {
    this.playbooks.set(playbook.name, playbook);
    this.versions.set(playbook.digest, playbook);
    this.rejected.delete(playbook.name);
    this.index.savePlaybook(playbook.digest, playbook.name, playbook.definition, playbook.file, this.options.clock.now());
  }

  /** A playbook file that did not load: creates naming it say why. */
  reject(name: string, why: string): void {
    if (!this.playbooks.has(name)) this.rejected.set(name, why);
  }

  listPlaybooks(): PlaybookInfo[] {
    return [...this.playbooks.values()].map((p) => ({
      name: p.name,
      ...(p.description ? { description: p.description } : {}),
      ...(p.file ? { file: p.file } : {}),
      digest: p.digest,
      steps: p.order,
      ...(p.workload ? { workload: p.workload } : {}),
    }));
  }

  /** The version an execution started with: loaded now, or stored when an earlier run registered it. */
  playbookFor(digest: string): Playbook | undefined {
    let playbook = this.versions.get(digest);
    if (!playbook) {
      const definition = this.index.playbookDefinition(digest);
      if (definition) this.versions.set(digest, (playbook = compilePlaybook(definition)));
    }
    return playbook;
  }

  // ── executions ─────────────────────────────────────────────────────────────

  /** Starts an execution; resolves once its first events are stored. The same id, playbook and workload again is the same execution. */
  async create(request: { playbook?: unknown; workload?: unknown; executionId?: unknown }): Promise<{ executionId: string; created: boolean }> {
    if (typeof request.playbook !== 'string') throw new InvalidWorkflowRequestError('playbook: required, the name of a registered playbook');
    const playbook = this.playbooks.get(request.playbook);
    if (!playbook) throw new UnknownPlaybookError(request.playbook, [...this.playbooks.keys()], this.rejected.get(request.playbook));
    const checked = checkWorkload(playbook, request.workload);
    if ('problems' in checked) throw new InvalidWorkloadError(playbook.name, checked.problems);
    if (request.executionId !== undefined && (typeof request.executionId !== 'string' || !EXECUTION_ID.test(request.executionId))) {
      throw new InvalidWorkflowRequestError(`executionId: expected 1-64 characters of A-Z a-z 0-9 _ -, got ${JSON.stringify(request.executionId)}`);
    }
    const id = (request.executionId as string | undefined) ?? newId();
    const same = (state: ExecutionRun['state']) => state.playbook === playbook.name && state.digest === playbook.digest && JSON.stringify(state.workload) === JSON.stringify(checked.value);
    const running = this.executions.get(id);
    if (running) {
      await running.whenCreated();
      if (same(running.state)) return { executionId: id, created: false };
      throw new ExecutionExistsError(id);
    }
    if (request.executionId !== undefined) {
      // A client's id may name an execution that ran before: the log says whether it is this one.
      const stored = await this.readExecution(id).catch((error: unknown) => (error instanceof ExecutionNotFoundError ? undefined : Promise.reject(error)));
      if (stored && this.executions.has(id)) return this.create(request); // created meanwhile: compare with that one
      if (stored) {
        if (same(stored.state)) return { executionId: id, created: false };
        throw new ExecutionExistsError(id);
      }
    }
    if (this.executions.size >= this.options.maxActive) throw new TooManyExecutionsError(this.options.maxActive);
    const run = new ExecutionRun(id, playbook, this.host);
    this.executions.set(id, run);
    try {
      await run.create(await startEvents(playbook, id, checked.value));
    } catch (error) {
      if (this.executions.get(id) === run) this.executions.delete(id);
      throw error;
    }
    if (!same(run.state)) {
      if (this.executions.get(id) === run) this.executions.delete(id);
      throw new ExecutionExistsError(id);
    }
    if (!run.existed) this.counts.created += 1;
    return { executionId: id, created: !run.existed };
  }

  /** The execution as its log says, from memory while it runs, else read from the store. */
  async get(id: string): Promise<ExecutionView> {
    const run = this.executions.get(id);
    if (run && run.state.status !== 'new') return executionView(run.state);
    return executionView((await this.readExecution(id)).state);
  }

  /** Appends execution_cancelled; resolves with the execution once that is stored. */
  async cancel(id: string, reason?: unknown): Promise<ExecutionView> {
    if (reason !== undefined && typeof reason !== 'string') throw new InvalidWorkflowRequestError('reason: expected a string');
    const run = this.executions.get(id);
    if (!run || run.state.status === 'new') {
      const { state } = await this.readExecution(id);
      throw new ExecutionFinishedError(id, state.status);
    }
    if (run.state.status !== 'running') throw new ExecutionFinishedError(id, run.state.status);
    run.submit([logEvent(id, 'execution_cancelled', reason === undefined ? {} : { reason: reason.slice(0, 1000) })]);
    await run.whenEnded();
    return executionView(run.state);
  }

  /** Reads and folds a stored execution; ExecutionNotFoundError when its stream is empty. */
  async readExecution(id: string): Promise<{ state: ReturnType<typeof fold>; version: number; playbook: Playbook }> {
    if (!EXECUTION_ID.test(id)) throw new ExecutionNotFoundError(id);
    const events: AnyExecutionEvent[] = [];
    let version = -1;
    for (;;) {
      const page = await this.options.store.read(executionStream(id), { from: version + 1, limit: 4096 });
      events.push(...(page.events as unknown as AnyExecutionEvent[]));
      version = page.events.at(-1)?.version ?? version;
      if (page.events.length < 4096) break;
    }
    const started = events.find((e) => e.type === 'execution_started');
    if (!started || started.type !== 'execution_started') throw new ExecutionNotFoundError(id);
    const playbook = this.playbookFor(started.data.digest);
    if (!playbook) throw new Error(`execution ${id} runs playbook ${started.data.playbook} version ${started.data.digest}, which this server has never loaded`);
    return { state: fold(playbook, id, events), version, playbook };
  }

  /** @internal recovery.ts: an execution read back from the store, decided again (`position`: its row was missing). */
  adopt(read: Awaited<ReturnType<WorkflowEngine['readExecution']>>, position?: number): void {
    const { state, playbook } = read;
    if (position !== undefined) this.index.add({ id: state.id, playbook: playbook.name, digest: playbook.digest }, position, this.options.clock.now());
    const run = new ExecutionRun(state.id, playbook, this.host, state, read.version);
    this.executions.set(run.id, run);
    run.redecide();
  }

  async recover(): Promise<{ resumed: number; released: number }> {
    const result = await recover(this, this.options.store, this.options.logger);
    this.tasks.open = true;
    this.tasks.dispatch();
    this.tasks.rearm();
    return result;
  }

  private committed(run: ExecutionRun, decision: Decision, position: number | undefined): void {
    const now = this.options.clock.now();
    if (position !== undefined) this.index.add({ id: run.id, playbook: run.playbook.name, digest: run.playbook.digest }, position, now);
    if (decision.finished) {
      this.queue.dropExecution(run.id);
      this.index.remove(run.id);
      if (this.executions.get(run.id) === run) this.executions.delete(run.id);
      this.counts[decision.finished] += 1;
      return;
    }
    let queued = false;
    for (const task of decision.tasks) {
      if (run.known.has(task.id)) continue;
      run.known.add(task.id);
      this.queue.enqueue(task);
      queued = true;
      if (task.delayMs > 0) this.tasks.wake(now + task.delayMs);
    }
    if (queued) this.tasks.dispatch();
  }

  // ── tasks (dispatcher.ts) ──────────────────────────────────────────────────

  /** Up to `max` due tasks for `worker`; when none is due, waits up to `waitMs` for one (a long poll). */
  lease(worker: string, max: number, waitMs: number): Promise<Lease[]> {
    return this.tasks.lease(worker, max, waitMs);
  }

  heartbeat(id: string, token: string): { ok: boolean; leaseUntil?: number } {
    return this.tasks.heartbeat(id, token);
  }

  /** A worker's result (accepted while its token holds the lease); with `next`, its next task in the same answer. */
  complete(id: string, token: string, outcome: TaskOutcome, next?: { worker: string; max: number }): { accepted: boolean; next: Lease[] } {
    return this.tasks.complete(id, token, outcome, next);
  }

  release(id: string, token: string): { released: boolean } {
    return this.tasks.release(id, token);
  }

  report(): Record<string, unknown> {
    return {
      playbooks: [...this.playbooks.keys()],
      ...(this.rejected.size > 0 ? { rejected: Object.fromEntries(this.rejected) } : {}),
      running: this.executions.size,
      waitingWorkers: this.tasks.waiting,
      tasks: this.queue.counts(),
      ...this.counts,
    };
  }

  get active(): number {
    return this.executions.size;
  }

  close(): void {
    this.closed = true;
    deferredCommit(this.options.db).commit();
    this.tasks.close();
    for (const run of this.executions.values()) run.close();
  }
}
