/**
 * A supervisor: plain ordered data (child ids in start order + a map by id) and one queue of
 * operations (exits, dynamic child changes) processed one at a time, like OTP's supervisor
 * process. Strategies, intensity and backoff are pure helpers; this file sequences them.
 */
import { newId } from '../shared/ids.js';
import { ActorCell, type Message } from '../actors/cell.js';
import { ChildState, type ActorStatus } from '../actors/child-state.js';
import { shouldRestart, type ExitReason } from '../actors/exit-reasons.js';
import {
  ChildAlreadyPresentError,
  ChildAlreadyStartedError,
  ChildRestartingError,
  ChildRunningError,
  ChildStartError,
  ReadinessTimeoutError,
  RestartIntensityError,
  UnknownActorError,
} from '../shared/errors.js';
import type { ChildSpec, Shutdown, SupervisorSpec } from '../spec/types.js';
import { BackoffState, backoffDelay } from './backoff.js';
import { RestartWindow } from './intensity.js';
import { PendingRestarts } from './pending-restarts.js';
import { ReadinessGate } from './readiness-gate.js';
import type { Child, SupervisorParent, SupervisorServices } from './services.js';
import { stopWithin } from './shutdown.js';
import { STRATEGIES } from './strategies/index.js';
import { OpQueue } from './op-queue.js';

/** How one incarnation of a child ended. */
interface Exit {
  readonly reason: ExitReason;
  readonly error: unknown;
}

/** A restart the strategy planned: who starts again, after how long. */
interface PlannedRestart {
  readonly start: readonly string[];
  readonly delayMs: number;
}

/** One row of `which_children`. */
export interface ChildInfo {
  id: string;
  path: string;
  type: 'worker' | 'supervisor';
  status: ActorStatus;
  instance: string | null;
}

/** `count_children`: specs, running ones, and specs by kind. */
export interface ChildCounts {
  specs: number;
  active: number;
  supervisors: number;
  workers: number;
}

/** Started or waiting to (re)start: what counts against readiness and what `terminate` stops. */
const isLive = (c: Child): boolean =>
  c.status === 'starting' || c.status === 'running' || c.status === 'ready' || c.status === 'backoff';

/** What a child is after an exit that is not followed by a restart. */
function finalStatus(exit: Exit): ActorStatus {
  if (exit.reason === 'normal') return 'completed';
  return exit.reason === 'error' || exit.error instanceof RestartIntensityError ? 'failed' : 'stopped';
}

/**
 * Drops the queued messages of a child nothing will start again (terminated, not restarted,
 * deleted), and of its subtree: their asks fail at once instead of waiting for a timeout.
 */
function dropMail(child: Child): void {
  if (child.kind === 'worker') child.clearMailbox();
  else for (const c of child.list()) dropMail(c);
}

/** An incarnation exists and has not finished stopping. */
const isRunning = (c: Child): boolean => c.running || c.status === 'stopping';

export class Supervisor extends ChildState implements SupervisorParent {
  readonly kind = 'supervisor' as const;
  private readonly children = new Map<string, Child>();
  private order: string[] = [];
  private window: RestartWindow;
  private readonly backoffs = new Map<string, BackoffState>();
  /** Each child's restarts within the intensity period, for "restarts in the window" health checks. */
  private readonly restartWindows = new Map<string, RestartWindow>();
  private readonly pending: PendingRestarts;
  private readonly gate: ReadinessGate;
  private readonly ops: OpQueue;
  /** Live children that are not ready: this supervisor is ready when none are (O(1) per change). */
  private readonly blocking = new Set<Child>();
  /** The child whose exit the running start loop handles itself (a failure to start). */
  private claimed: Child | undefined;
  private claimedExit: Exit | undefined;
  /** Its own start operation runs: giving up now rejects start() instead of reporting an exit. */
  private inStart = false;
  /** From start() until it stops, gives up or exits (its status may say `starting` while it waits to restart). */
  private live = false;
  /** Bumped on every start and stop: operations from an older generation give up. */
  private gen = 0;
  /** Set once a `placement: leader` child exists: it follows this node's leadership. */
  private followsLeadership = false;

  constructor(
    readonly path: string,
    readonly spec: SupervisorSpec,
    private readonly services: SupervisorServices,
    private readonly parent: SupervisorParent,
  ) {
    super();
    this.window = new RestartWindow(spec.intensity);
    this.gate = new ReadinessGate(services.clock, (child) => this.missedDeadline(child));
    this.ops = new OpQueue((error) => services.internalError(this.path, error));
    this.pending = new PendingRestarts(services.clock, (id) => this.leftBackoff(id));
    this.buildChildren(); // the whole configured tree exists (stopped) before anything starts
  }

  get id(): string {
    return this.spec.id;
  }

  /** Started (or starting) and not yet exited or stopping: an incarnation is alive. */
  get running(): boolean {
    return this.live;
  }

  get clock() {
    return this.services.clock;
  }

  get actorClock() {
    return this.services.actorClock;
  }

  get inspect() {
    return this.services.inspect;
  }

  /** Children in start order. */
  list(): Child[] {
    return this.order.map((id) => this.children.get(id)!);
  }

  get(id: string): Child | undefined {
    return this.children.get(id);
  }

  /** `which_children`: every child in start order. */
  describeChildren(): ChildInfo[] {
    return this.list().map((c) => ({ id: c.id, path: c.path, type: c.kind, status: c.status, instance: isRunning(c) ? (c.instance ?? null) : null }));
  }

  /** `count_children`. */
  countChildren(): ChildCounts {
    let active = 0;
    let supervisors = 0;
    for (const child of this.children.values()) {
      if (isRunning(child)) active++;
      if (child.kind === 'supervisor') supervisors++;
    }
    return { specs: this.children.size, active, supervisors, workers: this.children.size - supervisors };
  }

  /** Restarts of one child within this supervisor's intensity period (for /health). */
  recentRestarts(id: string): number {
    return this.restartWindows.get(id)?.count(this.services.clock.now()) ?? 0;
  }

  // ---- lifecycle, as seen by the parent -------------------------------------------------

  /**
   * (Re)starts with the children of the spec (dynamic children do not survive, as in OTP).
   * Rejects with RestartIntensityError when the supervisor gives up during its start.
   */
  start(): Promise<void> {
    if (this.running) return Promise.reject(new Error(`overseer: supervisor "${this.path}" started while running`));
    const gen = ++this.gen;
    this.instance = newId();
    this.status = 'starting';
    this.ready = false;
    this.startedAt = this.services.clock.now();
    this.window = new RestartWindow(this.spec.intensity);
    this.buildChildren();
    this.live = true;
    this.inStart = true;
    return this.ops.run(async () => {
      try {
        await this.startChildren([...this.order], gen, false);
      } finally {
        if (gen === this.gen) this.inStart = false;
      }
    });
  }

  /** Stops every child in reverse start order, within `shutdown`. Never reports an exit. */
  async stop(shutdown: Shutdown): Promise<void> {
    if (this.status === 'stopped' || this.status === 'failed' || this.status === 'completed') return;
    this.halt('stopping');
    await stopWithin(shutdown, this.services.clock, () => this.stopAll(), () => this.kill());
    this.status = 'stopped';
  }

  /** Force-stops the whole subtree now (a stop deadline passed). */
  kill(): void {
    this.halt('stopping');
    for (const child of this.list().reverse()) child.kill();
  }

  /**
   * Exits now with `reason`, like Erlang's `exit(SupPid, Reason)`: its children stop (all
   * at once when `brutal`, else in reverse order within their shutdown), then its parent
   * sees the exit and applies this supervisor's restart type.
   */
  async exit(reason: ExitReason, error: unknown, brutal: boolean): Promise<void> {
    if (!this.running) return;
    const gen = this.gen;
    this.halt('stopping');
    if (brutal) for (const child of this.list().reverse()) child.kill();
    await this.stopAll();
    if (gen + 1 !== this.gen) return; // stopped by our parent meanwhile
    this.status = finalStatus({ reason, error });
    this.parent.onExit(this, reason, error);
  }

  // ---- dynamic children -----------------------------------------------------------------

  /** Adds and starts a child; a child that crashes during its start is not kept (OTP). */
  startChild(spec: ChildSpec): Promise<Child> {
    return this.ops.run(async () => {
      const existing = this.children.get(spec.id);
      if (existing) throw isRunning(existing) ? new ChildAlreadyStartedError(existing.path) : new ChildAlreadyPresentError(existing.path);
      const child = this.create(spec);
      this.order.push(spec.id);
      const failure = await this.launchClaimed(child, false);
      if (failure) this.remove(child);
      this.recomputeReady();
      if (failure) throw new ChildStartError(child.path, failure.error ?? failure.reason);
      return child;
    });
  }

  /** Stops a child for good (until restartChild); a temporary child is deleted (OTP). */
  terminateChild(id: string): Promise<void> {
    return this.ops.run(async () => {
      const child = this.mustGet(id);
      await this.stopChild(child);
      dropMail(child);
      if (child.spec.restart === 'temporary') this.remove(child);
      this.recomputeReady();
    });
  }

  /** Starts a terminated child again; refuses a running one and one waiting in backoff (OTP). */
  restartChild(id: string): Promise<Child> {
    return this.ops.run(async () => {
      const child = this.mustGet(id);
      if (child.status === 'backoff' || this.pending.has(id)) throw new ChildRestartingError(child.path);
      if (isRunning(child)) throw new ChildRunningError(child.path);
      const failure = await this.launchClaimed(child, true);
      if (failure) {
        // OTP: the child stays, not running, and nothing restarts it.
        child.status = finalStatus(failure);
        this.track(child);
      }
      this.recomputeReady();
      if (failure) throw new ChildStartError(child.path, failure.error ?? failure.reason);
      return child;
    });
  }

  deleteChild(id: string): Promise<void> {
    return this.ops.run(() => {
      const child = this.mustGet(id);
      if (child.status === 'backoff' || this.pending.has(id)) throw new ChildRestartingError(child.path);
      if (isLive(child) || isRunning(child)) throw new ChildRunningError(child.path);
      this.remove(child);
      this.recomputeReady();
    });
  }

  // ---- live reconfiguration (DESIGN §10): one queued operation each ---------------------

  /**
   * Takes `next` as this supervisor's spec without restarting anything: its strategy, start,
   * intensity and backoff rule the next decisions, and its children are what a later restart
   * of this supervisor rebuilds. A changed intensity starts a fresh restart window.
   */
  adoptSpec(next: SupervisorSpec): Promise<void> {
    return this.ops.run(() => {
      const { maxRestarts, periodMs } = this.spec.intensity;
      // `spec` is readonly for every other reader: only this operation swaps it, on the queue.
      (this as { spec: SupervisorSpec }).spec = next;
      if (next.intensity.maxRestarts !== maxRestarts || next.intensity.periodMs !== periodMs) this.window = new RestartWindow(next.intensity);
    });
  }

  /**
   * Replaces a child whose config changed by a fresh one built from `spec`, at the same place
   * in the start order: the old one stops and leaves (`child_deleted`), the new one starts if
   * this supervisor runs. Its failure to start is an exit like any other (restart type, strategy).
   */
  replaceChild(spec: ChildSpec): Promise<Child> {
    return this.ops.run(async () => {
      const old = this.children.get(spec.id);
      let at = this.order.length;
      if (old) {
        await this.stopChild(old);
        at = this.order.indexOf(old.id);
        this.remove(old);
      }
      return this.insertConfigured(spec, at);
    });
  }

  /**
   * Adds a child the config gained, right after the last of `after` (its predecessors in the
   * desired order) present, and starts it if this supervisor runs; unlike startChild, a failure
   * to start keeps it and is handled as an exit, as for any configured child.
   */
  insertChild(spec: ChildSpec, after: readonly string[]): Promise<Child> {
    return this.ops.run(async () => {
      const existing = this.children.get(spec.id);
      if (existing) throw new ChildAlreadyPresentError(existing.path);
      const at = Math.max(-1, ...after.map((id) => this.order.indexOf(id))) + 1;
      return this.insertConfigured(spec, at);
    });
  }

  /** Stops a child the config lost and deletes it from the table; an absent one is a no-op. */
  removeChild(id: string): Promise<void> {
    return this.ops.run(async () => {
      const child = this.children.get(id);
      if (!child) return;
      await this.stopChild(child);
      this.remove(child);
      this.recomputeReady();
    });
  }

  /** The start (and reverse stop) order becomes `ids`; children it does not name (dynamic ones) follow, as they were. */
  reorderChildren(ids: readonly string[]): Promise<void> {
    return this.ops.run(() => {
      const named = ids.filter((id) => this.children.has(id));
      const set = new Set(named);
      this.order = [...named, ...this.order.filter((id) => !set.has(id))];
    });
  }

  /**
   * Gives the worker `id` new params (system.updateParams), as one queued operation. A running
   * incarnation that takes params live is sent `live` and keeps running; any other (running,
   * completed, exited, in backoff) starts again with them as its input. That restart is not a
   * crash: it counts neither against the intensity nor in `restarts`. The table keeps the
   * params, so later restarts use them. Resolves how it was applied.
   */
  updateWorkerParams(id: string, params: Readonly<Record<string, unknown>>, live: Message): Promise<'live' | 'restarted'> {
    return this.ops.run(async () => {
      const child = this.mustGet(id);
      if (child.kind !== 'worker') throw new UnknownActorError(child.path);
      if (child.paramsLive) {
        child.send(live); // first: a full `reject` mailbox throws, and then nothing changed
        child.adoptParams(params);
        return 'live' as const;
      }
      await this.stopChild(child);
      child.adoptParams(params);
      if (this.live) {
        const failure = this.launchClaimed(child, false) as Exit | undefined; // a worker starts synchronously
        if (failure) await this.handleExit(child, failure, child.instance, this.gen);
      } else if (this.status === 'completed') {
        this.parent.wakeChild?.(this); // it starts again, this child with its new params
      }
      this.track(child);
      this.recomputeReady();
      return 'restarted' as const;
    });
  }

  /**
   * Starts a completed child again, fresh, as one queued operation (the pipeline cascade, a
   * params update inside a completed supervisor). Not a crash: not counted as a restart. When
   * this supervisor has completed itself, it asks its own parent to start it again instead.
   */
  wake(id: string): void {
    this.ops.post(async () => {
      const child = this.children.get(id);
      if (child?.status !== 'completed') return;
      if (!this.live) {
        if (this.status === 'completed') this.parent.wakeChild?.(this);
        return;
      }
      const started = this.launchClaimed(child, false);
      const failure = started instanceof Promise ? await started : started;
      if (failure) await this.handleExit(child, failure, child.instance, this.gen);
      this.track(child);
      this.recomputeReady();
    });
  }

  wakeChild(child: Supervisor): void {
    if (this.children.get(child.id) === child) this.wake(child.id);
  }

  private async insertConfigured(spec: ChildSpec, at: number): Promise<Child> {
    const child = this.create(spec);
    this.order.splice(at, 0, spec.id);
    if (this.live) {
      const started = this.launchClaimed(child, false);
      const failure = started instanceof Promise ? await started : started;
      if (failure) await this.handleExit(child, failure, child.instance, this.gen);
    }
    this.track(child);
    this.recomputeReady();
    return child;
  }

  // ---- reports from children ------------------------------------------------------------

  onExit(child: Child, reason: ExitReason, error: unknown): void {
    this.gate.settle(child);
    const exit: Exit = { reason, error };
    const claimed = this.claimed === child;
    const restarts = (claimed || this.running) && shouldRestart(child.spec.restart, reason);
    this.record(child, exit, restarts);
    if (claimed) {
      this.claimedExit = exit;
      return;
    }
    // While stopping, an exit is recorded (its own reason, not `shutdown`) and never acted on.
    if (!this.running) return;
    const instance = child.instance;
    const gen = this.gen;
    this.ops.post(() => this.handleExit(child, exit, instance, gen));
  }

  onReadiness(child: Child, ready: boolean): void {
    this.track(child);
    if (ready) {
      this.gate.settle(child);
      this.services.publish('subsystem_ready', this.path, { system: child.path });
    } else if (child.status === 'running' && (child.kind === 'supervisor' || child.ref !== undefined)) {
      // Still running but no longer ready (tag removed, not_ready emitted): not an exit.
      this.services.publish('subsystem_failed', this.path, { system: child.path, reason: (child.kind === 'worker' ? child.notReadyReason : undefined) ?? 'readiness_lost' });
    }
    this.recomputeReady();
  }

  onDrops(cell: ActorCell, count: number): void {
    this.services.publish('messages_dropped', this.path, { path: cell.path, count, policy: cell.spec.mailbox.overflow });
  }

  onCreated(cell: ActorCell, actor: Parameters<SupervisorServices['attach']>[1]): void {
    this.services.attach(cell, actor);
    // Published before the actor starts, so an exit during its start always comes after it.
    this.services.publish('child_started', this.path, { path: cell.path, instance: cell.instance! });
  }

  // ---- exits and restarts ---------------------------------------------------------------

  /** Lets the world know how a child ended and what it is now. */
  private record(child: Child, exit: Exit, restarts: boolean): void {
    const message = exit.error === undefined ? undefined : exit.error instanceof Error ? exit.error.message : String(exit.error);
    child.lastExit = { reason: exit.reason, error: message, atMs: this.services.clock.now() };
    const gaveUp = exit.error instanceof RestartIntensityError;
    child.status = restarts ? 'starting' : finalStatus(exit);
    this.track(child);
    this.services.publish('child_exited', this.path, message === undefined ? { path: child.path, reason: exit.reason } : { path: child.path, reason: exit.reason, error: message });
    if (exit.reason === 'error' || gaveUp) {
      const reason = exit.error instanceof ReadinessTimeoutError ? 'readiness_timeout' : (message ?? 'error');
      this.services.publish('subsystem_failed', this.path, { system: child.path, reason });
    }
  }

  /** A child exited at run time (or failed to start in a parallel start): apply its restart type and the strategy. */
  private async handleExit(child: Child, exit: Exit, instance: string | undefined, gen: number): Promise<void> {
    // Stale: another operation already restarted or removed it (OTP ignores an EXIT from an old pid).
    if (gen !== this.gen || this.children.get(child.id) !== child || child.instance !== instance || isRunning(child)) return;
    if (!shouldRestart(child.spec.restart, exit.reason)) {
      dropMail(child); // nothing will start it again: queued asks fail now
      if (child.spec.restart === 'temporary') this.remove(child);
      this.recomputeReady();
      this.significantExited(child, gen);
      return;
    }
    // Consumed meanwhile: terminated (OTP's terminate_child takes the pending EXIT), or already
    // part of a restart another exit planned (a sibling's one_for_all put it in backoff).
    if (child.status !== 'starting') return;
    const planned = await this.planRestart(child, exit, this.order, gen);
    if (planned === undefined) return;
    if (planned.delayMs === 0) return this.startChildren(planned.start, gen, true);
    void this.pending.schedule(planned.start, planned.delayMs, child.id).then((ids) => {
      // Whoever left `backoff` meanwhile (terminated, started by another plan) is not started again.
      if (ids.length > 0) this.ops.post(() => this.startChildren(ids.filter((id) => this.children.get(id)?.status === 'backoff'), gen, true));
    });
  }

  /**
   * Counts the restart against the intensity (giving up when exceeded), stops what the
   * strategy says, drops temporary siblings, and marks who will start again.
   * `scope` is the children the strategy sees, in start order. Undefined: nothing to start.
   */
  private async planRestart(child: Child, exit: Exit, scope: readonly string[], gen: number): Promise<PlannedRestart | undefined> {
    const now = this.services.clock.now();
    if (!this.window.record(now)) {
      await this.giveUp(gen, child, exit.error);
      return undefined;
    }
    const plan = STRATEGIES[this.spec.strategy](scope, child.id);
    for (const id of plan.stop) {
      const sibling = this.children.get(id);
      if (sibling) await this.stopChild(sibling);
      if (gen !== this.gen) return undefined;
    }
    const start = plan.start.filter((id) => {
      const c = this.children.get(id);
      if (c === undefined) return false;
      if (c === child || c.spec.restart !== 'temporary') return true;
      this.remove(c); // OTP: a temporary sibling stopped by the strategy is deleted, not restarted
      return false;
    });
    const backoff = child.spec.backoff ?? this.spec.backoff;
    let state = this.backoffs.get(child.id);
    if (!state) this.backoffs.set(child.id, (state = new BackoffState()));
    const attempt = state.next(backoff?.resetAfterMs ?? this.spec.intensity.periodMs, now - (child.startedAt ?? now));
    const delayMs = backoff ? backoffDelay(backoff, attempt, this.services.random) : 0;
    for (const id of start) {
      const c = this.children.get(id)!;
      c.status = delayMs > 0 ? 'backoff' : 'starting';
      this.track(c);
      this.services.publish('child_restarting', this.path, { path: c.path, attempt, delayMs });
    }
    return { start, delayMs };
  }

  /**
   * Starts `ids` in order. Under `start: sequential` (and for the root's leading children)
   * each is ready before the next starts, and a child that fails during its start stops the
   * start of those after it: the strategy handles the failure over the children started so
   * far, and the start goes on from the first child the strategy restarted.
   */
  private async startChildren(ids: readonly string[], gen: number, restarting: boolean): Promise<void> {
    let queue = ids;
    let relaunch: Set<string> | undefined = restarting ? new Set(ids) : undefined;
    const nested: Promise<Exit | undefined>[] = [];
    const nestedChildren: Child[] = [];
    const failures: [Child, Exit][] = [];
    for (let i = 0; i < queue.length; i++) {
      if (gen !== this.gen) return;
      const id = queue[i]!;
      const child = this.children.get(id);
      if (!child || isRunning(child)) continue;
      const sequential = this.spec.start === 'sequential' || (i < (this.spec.leading ?? 0) && this.order[i] === id);
      if (!sequential) {
        const started = this.launchClaimed(child, relaunch?.has(id) === true);
        if (started instanceof Promise) {
          nested.push(started);
          nestedChildren.push(child);
        } else if (started) failures.push([child, started]);
        // A mass start yields now and then: event subscribers drain, the event loop breathes.
        if ((i & 255) === 255) await Promise.resolve();
        continue;
      }
      const failure = await this.launchAndWait(child, relaunch?.has(id) === true);
      if (gen !== this.gen) return;
      if (!failure) continue;
      if (!shouldRestart(child.spec.restart, failure.reason)) {
        if (child.spec.restart === 'temporary') this.remove(child);
        this.significantExited(child, gen);
        continue;
      }
      if (restarting && !this.inStart) return this.retryLater(child, failure, gen, queue.slice(i + 1)); // the children after it wait for it
      const planned = await this.planRestart(child, failure, this.order.slice(0, this.order.indexOf(id) + 1), gen);
      if (planned === undefined || gen !== this.gen) return;
      let again: readonly string[] = planned.start;
      if (planned.delayMs > 0) again = await this.pending.schedule(planned.start, planned.delayMs, id);
      if (gen !== this.gen) return;
      queue = [...again, ...queue.slice(i + 1)];
      relaunch = new Set([...(relaunch ?? []), ...again]);
      i = -1;
    }
    const settled = await Promise.all(nested);
    settled.forEach((exit, n) => exit && failures.push([nestedChildren[n]!, exit]));
    // Failures of a parallel start are exits like any other, handled by the strategy now.
    for (const [child, exit] of failures) {
      if (gen !== this.gen) return;
      // During the supervisor's own start a failure is handled now: the start must end, or fail.
      if (restarting && !this.inStart) this.retryLater(child, exit, gen, []);
      else await this.handleExit(child, exit, child.instance, gen);
    }
    if (gen !== this.gen) return;
    if (this.status === 'starting') this.status = 'running';
    this.recomputeReady();
  }

  /**
   * A child failed to start again during a restart (OTP `try_again_restart`): it waits in
   * `backoff` while the event loop and other operations run, then its exit is handled as
   * any other (counted against the intensity). A crash-on-start loop never starves the process.
   */
  private retryLater(child: Child, exit: Exit, gen: number, waiting: readonly string[]): void {
    const ids = [child.id, ...waiting.filter((id) => this.children.get(id)?.status === 'starting')];
    for (const id of ids) {
      const c = this.children.get(id)!;
      c.status = 'backoff';
      this.track(c);
    }
    const instance = child.instance;
    // The children after it wait in the same group: terminating it abandons them too (OTP).
    void this.pending.schedule(ids, 0, child.id).then((left) => {
      if (!left.includes(child.id)) return;
      this.ops.post(() => {
        if (child.status !== 'backoff') return; // terminated or started meanwhile
        child.status = 'starting';
        return this.handleExit(child, exit, instance, gen);
      });
    });
  }

  /** Starts one child and waits until it is ready; resolves with its exit if it failed meanwhile. */
  private async launchAndWait(child: Child, restarting: boolean): Promise<Exit | undefined> {
    this.claimed = child;
    this.claimedExit = undefined;
    try {
      const started = this.launch(child, restarting);
      if (started !== undefined) {
        const failure = await started;
        if (failure) return failure;
      }
      if (this.claimedExit === undefined) {
        const ready = this.gate.wait(child);
        if (ready) await ready;
      }
      return this.claimedExit;
    } finally {
      if (this.claimed === child) this.claimed = undefined;
      this.claimedExit = undefined;
    }
  }

  /** Starts one child; a worker's failure during its synchronous start is returned, a supervisor's through the promise. */
  private launchClaimed(child: Child, restarting: boolean): Exit | undefined | Promise<Exit | undefined> {
    this.claimed = child;
    this.claimedExit = undefined;
    try {
      return this.launch(child, restarting) ?? this.claimedExit;
    } finally {
      this.claimed = undefined;
      this.claimedExit = undefined;
    }
  }

  /**
   * Starts one child and publishes its lifecycle events. A nested supervisor has started
   * once its own children have (OTP): its promise resolves then, or with its exit if it gave up.
   */
  private launch(child: Child, restarting: boolean): Promise<Exit | undefined> | undefined {
    this.pending.cancel(child.id); // whatever starts a child takes it out of a pending restart
    if (this.heldBack(child)) return undefined;
    this.services.publish('subsystem_starting', this.path, { system: child.path });
    if (restarting) this.countRestart(child);
    if (child.kind === 'supervisor') {
      const started = child.start();
      // Published as its incarnation begins, as a worker's: whatever happens during the start
      // (its children starting, an exit, a give-up) comes after it.
      this.services.publish('child_started', this.path, { path: child.path, instance: child.instance! });
      this.track(child);
      return started.then(
        () => {
          this.track(child);
          return undefined;
        },
        (error: unknown) => {
          const exit: Exit = { reason: 'shutdown', error };
          this.record(child, exit, shouldRestart(child.spec.restart, 'shutdown'));
          return exit;
        },
      );
    }
    this.services.starting(child);
    child.start();
    this.track(child);
    this.gate.arm(child);
    return undefined;
  }

  /** A `placement: leader` child while this node does not lead: it waits in `standby` (not started, not blocking readiness). */
  private heldBack(child: Child): boolean {
    if (child.spec.placement !== 'leader' || this.services.leadership?.current.leader === true) return false;
    child.status = 'standby';
    this.track(child);
    return true;
  }

  /**
   * Leadership changed: standby singletons start on the new leader; on step-down every live
   * one stops (before the new leader may start it: postgres-cluster.ts fences by lease) and
   * waits in `standby`. One queued operation, like any other change of the child table.
   */
  private async placeSingletons(leader: boolean): Promise<void> {
    if (!this.live) return;
    const gen = this.gen;
    for (const child of this.list()) {
      if (child.spec.placement !== 'leader' || gen !== this.gen) continue;
      if (leader && child.status === 'standby') {
        const started = this.launchClaimed(child, false);
        const failure = started instanceof Promise ? await started : started;
        if (failure) await this.handleExit(child, failure, child.instance, gen);
      } else if (!leader && (isLive(child) || isRunning(child))) {
        await this.stopChild(child);
        dropMail(child);
        child.status = 'standby';
      }
      this.track(child);
    }
    this.recomputeReady();
  }

  private countRestart(child: Child): void {
    child.restarts++;
    let recent = this.restartWindows.get(child.id);
    if (!recent) this.restartWindows.set(child.id, (recent = new RestartWindow(this.spec.intensity)));
    recent.record(this.services.clock.now());
  }

  /** Stops one child (a no-op for one that does not run) and reports its `shutdown` exit. */
  private async stopChild(child: Child): Promise<void> {
    this.gate.settle(child);
    this.pending.cancel(child.id);
    if (!isRunning(child)) {
      if (child.status === 'starting' || child.status === 'backoff' || child.status === 'standby') child.status = 'stopped';
      this.track(child);
      return;
    }
    this.services.publish('subsystem_stopping', this.path, { system: child.path });
    await child.stop(child.spec.shutdown);
    this.track(child);
    const forced = child.kind === 'worker' && child.forced;
    this.services.publish('child_exited', this.path, forced ? { path: child.path, reason: 'shutdown', forced } : { path: child.path, reason: 'shutdown' });
  }

  private async stopAll(): Promise<void> {
    for (const child of this.list().reverse()) await this.stopChild(child);
  }

  /** Intensity exceeded: stop every child, then exit with `shutdown` (escalation, as OTP). */
  private async giveUp(gen: number, child: Child, cause: unknown): Promise<void> {
    const { maxRestarts, periodMs } = this.spec.intensity;
    const restarts = this.window.count(this.services.clock.now());
    const error = new RestartIntensityError(this.path, child.path, restarts, maxRestarts, periodMs, cause);
    const message = cause === undefined ? undefined : cause instanceof Error ? cause.message : String(cause);
    this.services.publish('restart_intensity_exceeded', this.path, {
      supervisor: this.path,
      child: child.path,
      restarts,
      maxRestarts,
      periodMs,
      ...(message === undefined ? {} : { error: message }),
    });
    const duringStart = this.inStart;
    this.halt('stopping');
    await this.stopAll();
    if (gen + 1 !== this.gen) return; // stopped by our parent meanwhile
    this.status = 'failed';
    if (duringStart) throw error; // start() rejects; the parent handles it as a failure to start
    this.parent.onExit(this, 'shutdown', error);
  }

  /**
   * A child exited on its own and will not restart. When it is significant, this supervisor
   * completes (OTP 24 auto_shutdown): at once under any_significant, under all_significant once
   * no significant child is left alive. Queued, so a start in progress finishes first.
   */
  private significantExited(child: Child, gen: number): void {
    const mode = this.spec.autoShutdown;
    if (!child.spec.significant || mode === undefined || mode === 'never') return;
    this.ops.post(async () => {
      if (gen !== this.gen || !this.live) return;
      if (mode === 'all_significant' && this.list().some((c) => c.spec.significant && (isLive(c) || isRunning(c)))) return;
      this.services.publish('auto_shutdown', this.path, { supervisor: this.path, child: child.path, mode });
      await this.exit('normal', undefined, false);
    });
  }

  private missedDeadline(child: Child): void {
    if (child.kind !== 'worker') return;
    child.crash(new ReadinessTimeoutError(child.path, child.spec.readiness.timeoutMs));
  }

  /** Ends this generation: pending restarts, deadlines and queued operations are abandoned. */
  private halt(status: ActorStatus): void {
    this.gen++;
    this.live = false;
    this.inStart = false;
    this.claimed = undefined;
    this.pending.clear();
    this.gate.clear();
    this.status = status;
    this.setReady(false);
  }

  /** A child left `backoff` without starting (its pending restart was cancelled). */
  private leftBackoff(id: string): void {
    const child = this.children.get(id);
    if (child?.status !== 'backoff') return;
    child.status = 'stopped';
    this.track(child);
    dropMail(child); // its restart was abandoned: queued asks fail now
  }

  // ---- readiness ------------------------------------------------------------------------

  /** Keeps `blocking` in step with one child's status and readiness. */
  private track(child: Child): void {
    if (isLive(child) && !child.ready && this.children.get(child.id) === child) this.blocking.add(child);
    else this.blocking.delete(child);
  }

  private recomputeReady(): void {
    if (this.status !== 'running' && this.status !== 'ready') return;
    this.setReady(this.blocking.size === 0);
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (this.status === 'running' || this.status === 'ready') this.status = ready ? 'ready' : 'running';
    this.parent.onReadiness(this, ready);
  }

  // ---- the child table ------------------------------------------------------------------

  private buildChildren(): void {
    const wanted = new Set(this.spec.children.map((c) => c.id));
    for (const child of [...this.children.values()]) if (!wanted.has(child.id)) this.remove(child);
    for (const spec of this.spec.children) if (!this.children.has(spec.id)) this.create(spec);
    this.order = this.spec.children.map((c) => c.id);
  }

  private create(spec: ChildSpec): Child {
    const path = `${this.path}/${spec.id}`;
    const child: Child =
      spec.kind === 'worker'
        ? new ActorCell(path, spec, this.services.logicFor(spec.behaviour), this)
        : new Supervisor(path, spec, this.services, this);
    this.children.set(spec.id, child);
    this.services.register(child);
    if (spec.placement === 'leader' && !this.followsLeadership && this.services.leadership) {
      this.followsLeadership = true;
      this.services.leadership.subscribe((state) => this.ops.post(() => this.placeSingletons(state.leader)));
    }
    return child;
  }

  /** Deletes a child from the table for good (`child_deleted`). */
  private remove(child: Child): void {
    this.pending.cancel(child.id);
    dropMail(child);
    this.gate.settle(child);
    this.children.delete(child.id);
    const at = this.order.indexOf(child.id);
    if (at >= 0) this.order.splice(at, 1);
    this.backoffs.delete(child.id);
    this.restartWindows.delete(child.id);
    this.blocking.delete(child);
    this.services.unregister(child);
    this.services.publish('child_deleted', this.path, { path: child.path });
  }

  private mustGet(id: string): Child {
    const child = this.children.get(id);
    if (!child) throw new UnknownActorError(`${this.path}/${id}`);
    return child;
  }
}
