/**
 * A running system: the root supervisor, the bus, the path index and the embedded API
 * (send, ask, dynamic children, status, ready, stop). Created by startSystem(); everything
 * here routes to the supervisor or cell that owns the path.
 */
import type { AnyActorLogic, AnyActorRef } from 'xstate';
import type { z } from 'zod';
import type { ActorCell, Message } from '../actors/cell.js';
import { Deadlines } from '../actors/deadlines.js';
import { ask, type AskOptions, type ReplyRef } from '../actors/reply.js';
import type { BehaviourRegistry } from '../actors/registry.js';
import { EventBus } from '../events/index.js';
import type { EventEnvelope, EventInput, RuntimeEventData, RuntimeEventType } from '../events/catalogue.js';
import type { Clock } from '../shared/clock.js';
import { NotASupervisorError, NotRunningError, ReadyTimeoutError, UnknownActorError } from '../shared/errors.js';
import type { ExitReason } from '../actors/exit-reasons.js';
import type { ChildCounts, ChildInfo } from '../supervisor/supervisor.js';
import type { Logger } from '../shared/logger.js';
import type { SystemSpec } from '../spec/types.js';
import { leadershipOf } from '../supervisor/leadership.js';
import type { Child, Inspector, SupervisorParent, SupervisorServices } from '../supervisor/services.js';
import { LinkTable } from '../pipelines/links.js';
import { stopWithin } from '../supervisor/shutdown.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { validateChildSpec } from './child-spec.js';
import { attachRuntime, type RuntimeHost } from './context.js';
import { logEvent } from './event-logger.js';
import { WorkerRef } from './worker-ref.js';
import { describeTree, type StatusNode } from './status.js';
import { SystemEvents } from './system-events.js';
import { ConfigError } from '../shared/errors.js';
import { reconcile, type ApplyHooks, type ApplyOptions, type ApplyResult } from '../reconfigure/apply.js';
import { checkPatch, diffParams, mergePatch, paramsProblems, workerSpecAt, type Params, type ParamsSource, type ParamsUpdate } from '../reconfigure/params.js';
import { ParamsHistory, type ParamsHistoryEntry } from '../reconfigure/history.js';
import { deepEqual } from '../reconfigure/plan.js';
import { PARAMS_EVENT } from '../actors/logic-traits.js';
import { NotAWorkerError } from '../shared/errors.js';

/** What apply() takes: a config file path, a spec object, or a config file's text named `file` (POST /apply). */
export type DesiredSpec = string | Record<string, unknown> | { readonly text: string; readonly file: string };

export interface SystemExit {
  /** `stopped`: stop() was called; `failed`: the root supervisor gave up. */
  reason: 'stopped' | 'failed';
  error?: Error;
}

export interface SystemParts {
  spec: SystemSpec;
  registry: BehaviourRegistry;
  logger: Logger;
  /** The runtime's clock (unref'd timers). */
  clock: Clock;
  /** The clock XState actors get (default: the real one, timers keep the process alive). */
  actorClock?: Clock;
  /** An XState inspector handed to every actor. */
  inspect?: Inspector;
  random: () => number;
  /** Params schemas by behaviour name, checked for children started at run time too. */
  params?: ReadonlyMap<string, z.ZodType>;
  /**
   * Loads a desired spec exactly as the first one was (registry, params, overrides, env): what
   * apply() uses. `changedLogic`: behaviour names whose `module:` file now exports other logic.
   */
  reload?: (source: DesiredSpec) => Promise<{ spec: SystemSpec; changedLogic: ReadonlySet<string> }>;
}

export class System implements SupervisorParent, RuntimeHost {
  readonly spec: SystemSpec;
  /** Publish, subscribe, request, recent: the bus as users see it. */
  readonly events: SystemEvents;
  /** @internal The bus itself: starting, flushing, lifecycle publishing are the runtime's. */
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Resolves once the system has stopped, saying why (the CLI exits 1 on `failed`). */
  readonly stopped: Promise<SystemExit>;
  /** Base URL of the admin endpoint, when one listens (set by the control plane). */
  adminUrl: string | undefined;
  /** @internal The control plane announced initialization (once per system, not per restart). */
  initialized = false;
  private isReady = false;
  private readonly root: Supervisor;
  private readonly index = new Map<string, Child>();
  /** Pipeline links: who consumes each producer's output. */
  private readonly links = new LinkTable();
  private readonly clock: Clock;
  /** Deadlines of pending asks: one timer for all of them. */
  private readonly askDeadlines: Deadlines;
  private readonly registry: BehaviourRegistry;
  private readonly params: ReadonlyMap<string, z.ZodType> | undefined;
  private readyWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  private stopRequested: Promise<void> | undefined;
  /** The tree has stopped: sends and asks are refused. Until then (drain, stop) actors still talk. */
  private halted = false;
  private resolveStopped!: (exit: SystemExit) => void;

  constructor(parts: SystemParts) {
    const { spec, registry, logger, clock, random } = parts;
    this.spec = spec;
    this.logger = logger;
    this.clock = clock;
    this.askDeadlines = new Deadlines(clock);
    this.registry = registry;
    this.params = parts.params;
    this.reload = parts.reload;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.bus = new EventBus({ system: spec.name, node: spec.node, clock, logger });
    this.events = new SystemEvents(this.bus);
    this.bus.subscribe('event-logger', { handler: (e: EventEnvelope) => logEvent(logger, e), buffer: 10_000 });
    this.bus.subscribe('system-readiness', {
      types: ['system_ready', 'system_degraded', 'system_stopping'],
      buffer: 100,
      mode: 'critical',
      handler: (e: EventEnvelope) => this.onSystemEvent(e),
    });
    const services: SupervisorServices = {
      clock,
      actorClock: parts.actorClock ?? clock,
      ...(parts.inspect ? { inspect: parts.inspect } : {}),
      random,
      publish: <T extends RuntimeEventType>(type: T, source: string, data: RuntimeEventData[T]) => void this.bus.publishRuntime({ type, source, data }),
      logicFor: (name: string): AnyActorLogic => registry.get(name),
      register: (child) => {
        this.index.set(child.path, child);
        if (child.kind === 'worker') this.links.register(child);
      },
      unregister: (child) => {
        if (this.index.get(child.path) === child) this.index.delete(child.path);
        if (child.kind === 'worker') this.links.unregister(child);
      },
      starting: (cell) => this.cascade(cell),
      attach: (cell: ActorCell, actor: AnyActorRef) => attachRuntime(actor, cell, this),
      internalError: (path, error) => logger.error({ err: error, path }, 'overseer internal error'),
      leadership: leadershipOf(this),
    };
    this.root = new Supervisor('root', spec.root, services, this);
    this.index.set('root', this.root);
  }

  get self(): System {
    return this;
  }

  /** @internal runtimeOf(self).output: the producer's message to every consumer linked to it, or to none (false). */
  output(producer: ActorCell, message: Message): boolean {
    return this.links.output(producer, message);
  }

  /** A worker is about to start: every completed consumer of its output starts again first, fresh (its own start cascades on). */
  private cascade(cell: ActorCell): void {
    if (this.links.size === 0) return;
    for (const consumer of this.links.consumersOf(cell.path)) {
      if (consumer.status !== 'completed') continue;
      const parent = this.index.get(consumer.path.slice(0, consumer.path.lastIndexOf('/')));
      if (parent?.kind === 'supervisor') parent.wake(consumer.id);
    }
  }

  /** The root supervisor runs (stopping included: a draining process is alive): what /livez reports. */
  get live(): boolean {
    const status = this.root.status;
    return status !== 'stopped' && status !== 'failed';
  }

  /** stop() was called or the root gave up: readiness is gone from this moment on. */
  get stopping(): boolean {
    return this.stopRequested !== undefined;
  }

  /**
   * @internal Starts the tree; the control plane (its first child) starts the bus. Rejects
   * when the root gives up during the start (the system is stopped by then).
   */
  async start(): Promise<void> {
    this.reapplyApiParams();
    try {
      await this.root.start();
    } catch (error) {
      this.stopRequested ??= this.shutdown({ reason: 'failed', error: error as Error });
      await this.stopRequested;
      throw error;
    }
    this.bus.start(); // idempotent; covers trees started without a control plane
  }

  /** Resolves on system_ready (at once if the system is ready now); rejects with the missing systems after timeoutMs. */
  ready(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.isReady) return Promise.resolve();
    if (this.stopRequested) return Promise.reject(new NotRunningError('the system'));
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
        reject(new ReadyTimeoutError(timeoutMs, this.missing()));
      }, timeoutMs);
      const waiter = {
        resolve: () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          this.clock.clearTimeout(timer);
          reject(error);
        },
      };
      this.readyWaiters.push(waiter);
    });
  }

  /** The tree as served by GET /status. */
  status(): StatusNode {
    return describeTree(this.root);
  }

  /** The subtree at `path`, cut `depth` levels down (GET /status/{path}?depth=N); undefined for an unknown path. */
  statusAt(path: string, depth?: number): StatusNode | undefined {
    const node = this.index.get(path);
    return node && describeTree(node, depth);
  }

  /**
   * The children of the supervisor at `path`, in start order (OTP `which_children`).
   * @example system.children('root/workers') // [{ id: 'counter', path: 'root/workers/counter', type: 'worker', status: 'ready', instance: '…' }]
   */
  children(path: string): ChildInfo[] {
    return this.supervisor(path).describeChildren();
  }

  /** OTP `count_children`: `{ specs, active, supervisors, workers }` of the supervisor at `path`. */
  countChildren(path: string): ChildCounts {
    return this.supervisor(path).countChildren();
  }

  send(path: string, message: Message): void {
    const child = this.index.get(path);
    if (child !== undefined && child.kind === 'worker' && !this.halted) return child.send(message);
    this.worker(path).send(message); // the slow path names the problem
  }

  ask<R = unknown>(path: string, message: Message, options: AskOptions = {}): Promise<R> {
    return this.askWith<R>(path, message, options, (m, reply) => {
      const child = this.index.get(path);
      if (child !== undefined && child.kind === 'worker' && !this.halted) return child.sendAsk(m, reply);
      this.worker(path).sendAsk(m, reply); // the slow path names the problem
    });
  }

  /**
   * A handle to the worker at `path` whose sends skip the path lookup (for hot loops); it
   * stays valid across restarts. Throws UnknownActorError when no worker has that path.
   * @example const counter = system.ref('root/workers/counter'); counter.send({ type: 'inc' });
   */
  ref(path: string): WorkerRef {
    return new WorkerRef(this.worker(path), this);
  }

  /** @internal ask() with a given delivery (used by WorkerRef). */
  askWith<R>(path: string, message: Message, options: AskOptions, deliver: (message: Message, reply: ReplyRef<R>) => void): Promise<R> {
    return ask<R>(path, message, options, this.askDeadlines, deliver);
  }

  /** Publishes an application event; lifecycle types are refused (ReservedEventError). */
  publish(event: EventInput): number {
    return this.events.publish(event);
  }

  /** Validates `spec` like a config child (ConfigError if invalid), then starts it under the supervisor at `supervisorPath`. */
  async startChild(supervisorPath: string, spec: unknown): Promise<{ path: string; instance: string | undefined }> {
    const parent = this.supervisor(supervisorPath);
    const child = await parent.startChild(await validateChildSpec(spec, parent === this.root, this.registry, this.params));
    return { path: child.path, instance: child.instance };
  }

  async terminateChild(path: string): Promise<void> {
    const [parent, id] = this.parentOf(path);
    return parent.terminateChild(id);
  }

  async restartChild(path: string): Promise<{ path: string; instance: string | undefined }> {
    const [parent, id] = this.parentOf(path);
    const child = await parent.restartChild(id);
    return { path: child.path, instance: child.instance };
  }

  /** @internal Extension points of apply() (e.g. params updated live instead of a restart). */
  reconfigureHooks: ApplyHooks = { paramsChanged: (step) => this.paramsChangedLive(step) };
  /** The source of the apply() running now (what its live params updates record). */
  private applySource: ParamsSource = 'embedded';

  /**
   * apply() of a worker whose only change is its params: when its running logic takes params
   * live, an update like updateParams() (event, history) keeps it running; otherwise apply restarts it.
   */
  private async paramsChangedLive(step: Parameters<NonNullable<ApplyHooks['paramsChanged']>>[0]): Promise<boolean> {
    const cell = this.index.get(step.path);
    if (cell?.kind !== 'worker' || !cell.paramsLive || step.spec.kind !== 'worker') return false;
    const update = await this.updateParamsNow(step.path, {}, this.applySource, { ...step.spec.params });
    return update.action === 'live';
  }
  private readonly reload: SystemParts['reload'];
  /** The apply() running now: the next one waits for it (one reconfiguration at a time). */
  private applying: Promise<unknown> = Promise.resolve();

  /**
   * Reconciles the running tree to a desired spec (a config path or object, validated as at
   * start): removed children stop, changed ones restart with their new spec, new ones start
   * at their place, supervisor settings change in place, the rest keep running (DESIGN §10).
   * An invalid spec rejects with ConfigError and changes nothing. Calls run one at a time.
   */
  apply(specOrPath: DesiredSpec, options: ApplyOptions = {}): Promise<ApplyResult> {
    const run = this.applying.then(() => this.applyNow(specOrPath, options.source ?? 'embedded'));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(specOrPath: DesiredSpec, source: NonNullable<ApplyOptions['source']>): Promise<ApplyResult> {
    if (this.stopRequested) throw new NotRunningError('the system');
    if (!this.reload) throw new Error('overseer: this system was not made by startSystem(); it cannot load a spec to apply');
    let desired: SystemSpec;
    let changedLogic: ReadonlySet<string>;
    try {
      ({ spec: desired, changedLogic } = await this.reload(specOrPath));
    } catch (error) {
      if (error instanceof ConfigError) {
        this.logger.warn({ problems: error.problems, source }, 'config rejected: nothing changed');
        this.bus.publishRuntime({ type: 'config_rejected', data: { problems: error.problems, source } });
      }
      throw error;
    }
    const host = { supervisorAt: (path: string) => (this.index.get(path)?.kind === 'supervisor' ? (this.index.get(path) as Supervisor) : undefined), logger: this.logger };
    this.applySource = source;
    const { plan, result, spec } = await reconcile(host, this.spec, desired, this.reconfigureHooks, changedLogic);
    // readonly to every reader; swapped only here, between reconfigurations, as a whole frozen value.
    (this as { spec: SystemSpec }).spec = spec;
    this.logger.info({ source, added: result.added, removed: result.removed, restarted: result.restarted, updatedSettings: result.updatedSettings }, 'config applied');
    this.bus.publishRuntime({ type: 'config_applied', data: { plan, source } });
    return result;
  }

  // ---- params at run time (DESIGN §10) --------------------------------------------------

  /** Opened on the first params change, or at start when an earlier run left a state file. */
  private historyStore: ParamsHistory | undefined;

  /**
   * Applies a JSON merge patch (RFC 7396: `null` deletes a key) to the params of the worker
   * at `path`. A logic that handles `overseer.params` gets them live; any other worker starts
   * again with them as input, completed or exited ones included. Built-in params are checked
   * as at load (ConfigError, nothing changes). Runs between apply() calls, one at a time.
   * @example await system.updateParams('root/workers/poller', { everyMs: 500, debug: null })
   */
  updateParams(path: string, patch: Record<string, unknown>, options: { source?: ParamsSource } = {}): Promise<ParamsUpdate> {
    const run = this.applying.then(() => this.updateParamsNow(path, patch, options.source ?? 'embedded'));
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** The params changes of the actor at `path`, oldest first (the last 50). */
  paramsHistory(path: string): ParamsHistoryEntry[] {
    return this.history().list(path);
  }

  /** `replacement`: the params in full (a config file's), instead of a merge patch over the current ones. */
  private async updateParamsNow(path: string, patch: Record<string, unknown>, source: ParamsSource, replacement?: Params): Promise<ParamsUpdate> {
    if (this.stopRequested) throw new NotRunningError('the system', path);
    const child = this.lookup(path);
    if (child.kind !== 'worker') throw new NotAWorkerError(path);
    checkPatch(patch);
    const before = child.spec.params;
    const params = replacement ?? (mergePatch(before, patch) as Params);
    const { changed, previous } = diffParams(before, params);
    if (Object.keys(changed).length === 0) return { path, action: 'unchanged', changed, previous, params: { ...before } };
    const problems = paramsProblems(child.spec.behaviour, params, this.params);
    if (problems.length > 0) throw new ConfigError(problems);
    const [parent, id] = this.parentOf(path);
    const action = await parent.updateWorkerParams(id, params, { type: PARAMS_EVENT, params, changed, previous });
    const history = this.history();
    history.record(path, { time: new Date(this.clock.now()).toISOString(), changed, previous, source }, workerSpecAt(this.spec.root, path)?.params ?? {});
    this.logger.info({ path, changed, action, source }, 'params updated');
    this.bus.publishRuntime({ type: 'params_updated', source: path, data: { path, changed, previous, action } });
    return { path, action, changed, previous, params };
  }

  private history(): ParamsHistory {
    return (this.historyStore ??= new ParamsHistory(this.spec.dataDir, (error) => this.logger.warn({ err: error, dataDir: this.spec.dataDir }, 'params history: state file unavailable, kept in memory only')));
  }

  /**
   * Before the tree starts: values set through the API in an earlier run override the file's,
   * unless the file has changed that key since (the later writer wins, recorded as `file`).
   */
  private reapplyApiParams(): void {
    const history = this.history();
    history.openIfExists();
    for (const [path, overrides] of history.overrides()) {
      const cell = this.index.get(path);
      const fileSpec = workerSpecAt(this.spec.root, path);
      if (cell?.kind !== 'worker' || fileSpec === undefined) continue;
      const params: Params = { ...fileSpec.params };
      for (const { key, value, fileValue } of overrides) {
        const fileNow = fileSpec.params[key];
        if (deepEqual(fileNow, fileValue)) {
          if (value === undefined) delete params[key];
          else params[key] = value;
          continue;
        }
        history.dropOverride(path, key);
        history.append(path, { time: new Date(this.clock.now()).toISOString(), changed: { [key]: fileNow ?? null }, previous: { [key]: value ?? null }, source: 'file' });
      }
      const problems = paramsProblems(fileSpec.behaviour, params, this.params);
      if (problems.length > 0) {
        this.logger.warn({ path, problems }, 'params set through the API no longer valid: the file\'s are used');
        continue;
      }
      if (!deepEqual(params, fileSpec.params)) cell.adoptParams(params); // nothing runs yet: no queue needed
    }
  }

  async deleteChild(path: string): Promise<void> {
    const [parent, id] = this.parentOf(path);
    return parent.deleteChild(id);
  }

  /**
   * Makes the actor at `path` exit now, like Erlang's `exit(Pid, Reason)`: `normal` and
   * `shutdown` are those exit reasons (a transient child is then not restarted); anything
   * else (default `killed`) is an error exit. Supervisors too: `kill` stops their children
   * at once, other reasons in order. Its supervisor applies the restart type. For fault drills.
   */
  kill(path: string, reason = 'killed'): void {
    if (this.stopRequested) throw new NotRunningError('the system', path);
    const target = this.lookup(path);
    if (target === this.root) throw new UnknownActorError(path); // the root has no supervisor: use stop()
    const exit: ExitReason = reason === 'normal' || reason === 'shutdown' ? reason : 'error';
    const error = exit === 'error' ? new Error(reason) : undefined;
    if (target.kind === 'worker') return target.exit(exit, error);
    void target.exit(exit, error, reason === 'kill');
  }

  /** Stops the tree in reverse start order within `stopTimeoutMs`; idempotent. */
  stop(): Promise<void> {
    this.stopRequested ??= this.shutdown({ reason: 'stopped' });
    return this.stopRequested;
  }

  // ---- SupervisorParent: the root reports here -----------------------------------------

  onExit(_root: Supervisor, _reason: string, error: unknown): void {
    // The root gave up and has already stopped its children: the system ends.
    this.stopRequested ??= this.shutdown({ reason: 'failed', error: error as Error });
  }

  onReadiness(): void {
    // System readiness is the control plane's call (system_ready), not the root's.
  }

  /** Restarts of the actor at `path` within its supervisor's intensity window. */
  recentRestarts(path: string): number {
    const cut = path.lastIndexOf('/');
    const parent = cut < 0 ? undefined : this.index.get(path.slice(0, cut));
    return parent?.kind === 'supervisor' ? parent.recentRestarts(path.slice(cut + 1)) : 0;
  }

  private onSystemEvent(event: EventEnvelope): void {
    this.isReady = event.type === 'system_ready';
    if (!this.isReady) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  // ---- internals ------------------------------------------------------------------------

  private async shutdown(exit: SystemExit): Promise<void> {
    this.isReady = false;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.reject(new NotRunningError('the system'));
    this.bus.publishRuntime({ type: 'system_stopping', data: {} });
    // Every handler (control plane, event logger, SSE clients) sees system_stopping before any child stops.
    this.bus.flush();
    // A requested stop drains first (Kubernetes preStop): /readyz answers 503 from now on while
    // requests are still served, so load balancers stop sending before anything stops.
    const drainMs = exit.reason === 'stopped' ? this.spec.drainMs : 0;
    if (drainMs > 0) {
      this.logger.info({ drainMs }, 'draining: not ready, still serving');
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(resolve, drainMs);
        (timer as { ref?: () => void }).ref?.(); // a wait the user asked for: it keeps the process up
      });
    }
    await stopWithin(this.spec.stopTimeoutMs, this.clock, () => this.root.stop('infinity'), () => this.root.kill());
    this.halted = true;
    // No ask may hang on a stopped system: those its actors did not answer fail now.
    this.askDeadlines.failAll(() => new NotRunningError('the system'));
    this.bus.publishRuntime({ type: 'system_stopped', data: {} });
    await Promise.resolve(); // let the event logger see system_stopped
    this.bus.close();
    this.historyStore?.close();
    this.resolveStopped(exit);
  }

  /** Paths of the live tree's actors whose readiness is required (what the control plane waits for). */
  requiredPaths(): string[] {
    const out: string[] = [];
    const visit = (node: Child) => {
      if (node !== this.root && node.spec.readiness.required) out.push(node.path);
      if (node.kind === 'supervisor') node.list().forEach(visit);
    };
    visit(this.root);
    return out;
  }

  /** Whether the actor at `path` exists and its readiness is required. */
  isRequired(path: string): boolean {
    const node = this.index.get(path);
    return node !== undefined && node !== this.root && node.spec.readiness.required;
  }

  /** Required actors that are not ready now. */
  private missing(): string[] {
    return this.requiredPaths().filter((path) => this.index.get(path)?.ready !== true);
  }

  private lookup(path: string): Child {
    const child = this.index.get(path);
    if (!child) throw new UnknownActorError(path);
    return child;
  }

  private worker(path: string): ActorCell {
    if (this.halted) throw new NotRunningError('the system', path);
    const child = this.lookup(path);
    if (child.kind !== 'worker') throw new UnknownActorError(path);
    return child;
  }

  private supervisor(path: string): Supervisor {
    const child = this.lookup(path);
    if (child.kind !== 'supervisor') throw new NotASupervisorError(path);
    return child;
  }

  private parentOf(path: string): [Supervisor, string] {
    this.lookup(path);
    const cut = path.lastIndexOf('/');
    if (cut < 0) throw new UnknownActorError(path); // the root has no parent
    return [this.supervisor(path.slice(0, cut)), path.slice(cut + 1)];
  }
}
