/**
 * A supervisor: plain ordered data (child ids in start order + a map by id) and one queue of
 * operations (exits, dynamic child changes) processed one at a time, like OTP's supervisor
 * process. Strategies, intensity and backoff are pure helpers; this file sequences them.
 */
import { newId } from '../shared/ids.js';
import { ActorCell } from '../actors/cell.js';
import { ChildState, type ActorStatus } from '../actors/child-state.js';
import { shouldRestart, type ExitReason } from '../actors/exit-reasons.js';
import { ChildExistsError, ChildRunningError, RestartIntensityError, UnknownActorError } from '../shared/errors.js';
import type { TimerHandle } from '../shared/clock.js';
import type { ChildSpec, Shutdown, SupervisorSpec } from '../spec/types.js';
import { BackoffState, backoffDelay } from './backoff.js';
import { RestartWindow } from './intensity.js';
import { ReadinessGate } from './readiness-gate.js';
import type { Child, SupervisorParent, SupervisorServices } from './services.js';
import { stopWithin } from './shutdown.js';
import { STRATEGIES } from './strategies/index.js';
import { OpQueue } from './op-queue.js';

/** Readiness missed its deadline: the child is failed and this counts as a crash. */
export class ReadinessTimeoutError extends Error {
  constructor(path: string, timeoutMs: number) {
    super(`readiness_timeout: "${path}" not ready within ${timeoutMs} ms`);
    this.name = 'ReadinessTimeoutError';
  }
}

const isLive = (c: Child): boolean =>
  c.status === 'starting' || c.status === 'running' || c.status === 'ready' || c.status === 'backoff';

export class Supervisor extends ChildState implements SupervisorParent {
  readonly kind = 'supervisor' as const;
  private readonly children = new Map<string, Child>();
  private order: string[] = [];
  private window: RestartWindow;
  private readonly backoffs = new Map<string, BackoffState>();
  /** Each child's restarts within the intensity period, for "restarts in the window" health checks. */
  private readonly restartWindows = new Map<string, RestartWindow>();
  private readonly pending = new Map<string, TimerHandle>();
  private readonly gate: ReadinessGate;
  private readonly ops: OpQueue;
  /** Bumped on every start and stop: operations from an older generation give up. */
  private gen = 0;

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
  }

  get id(): string {
    return this.spec.id;
  }

  /** Started (or starting) and not yet exited or stopping. */
  get running(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'ready';
  }

  get clock() {
    return this.services.clock;
  }

  /** Children in start order. */
  list(): Child[] {
    return this.order.map((id) => this.children.get(id)!);
  }

  get(id: string): Child | undefined {
    return this.children.get(id);
  }

  /** Restarts of one child within this supervisor's intensity period (for /health). */
  recentRestarts(id: string): number {
    return this.restartWindows.get(id)?.count(this.services.clock.now()) ?? 0;
  }

  // ---- lifecycle, as seen by the parent -------------------------------------------------

  /** (Re)starts with the children of the spec (dynamic children do not survive, as in OTP). */
  start(): Promise<void> {
    const gen = ++this.gen;
    this.instance = newId();
    this.status = 'starting';
    this.ready = false;
    this.startedAt = this.services.clock.now();
    this.window = new RestartWindow(this.spec.intensity);
    this.buildChildren();
    return this.ops.run(() => this.startChildren([...this.order], gen, false));
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

  // ---- dynamic children -----------------------------------------------------------------

  startChild(spec: ChildSpec): Promise<Child> {
    return this.ops.run(async () => {
      if (this.children.has(spec.id)) throw new ChildExistsError(`${this.path}/${spec.id}`);
      const child = this.create(spec);
      this.order.push(spec.id);
      await this.launch(child, false);
      return child;
    });
  }

  terminateChild(id: string): Promise<void> {
    return this.ops.run(async () => {
      const child = this.mustGet(id);
      this.cancelPending(id);
      await this.stopChild(child);
      if (child.kind === 'worker') child.clearMailbox();
      if (child.spec.restart === 'temporary') this.remove(child);
      this.recomputeReady();
    });
  }

  /** Starts a terminated child again; a running one is stopped first (not counted as a crash). */
  restartChild(id: string): Promise<Child> {
    return this.ops.run(async () => {
      const child = this.mustGet(id);
      this.cancelPending(id);
      if (isLive(child)) await this.stopChild(child);
      await this.launch(child, true);
      return child;
    });
  }

  deleteChild(id: string): Promise<void> {
    return this.ops.run(() => {
      const child = this.mustGet(id);
      if (isLive(child) || child.status === 'stopping') throw new ChildRunningError(child.path);
      this.remove(child);
      this.recomputeReady();
    });
  }

  // ---- reports from children ------------------------------------------------------------

  onExit(child: Child, reason: ExitReason, error: unknown): void {
    this.gate.settle(child);
    if (this.status === 'stopping' || this.status === 'stopped' || this.status === 'failed') return;
    const message = error === undefined ? undefined : error instanceof Error ? error.message : String(error);
    const now = this.services.clock.now();
    child.lastExit = { reason, error: message, atMs: now };
    this.services.publish('child_exited', this.path, message === undefined ? { path: child.path, reason } : { path: child.path, reason, error: message });
    if (reason === 'error') this.services.publish('subsystem_failed', this.path, { system: child.path, reason: message ?? 'error' });
    const restart = shouldRestart(child.spec.restart, reason);
    child.status = restart ? 'starting' : reason === 'normal' ? 'completed' : reason === 'error' ? 'failed' : 'stopped';
    const gen = this.gen;
    this.ops.post(() => this.handleExit(child, restart, gen));
  }

  onReadiness(child: Child, ready: boolean): void {
    if (ready) {
      this.gate.settle(child);
      this.services.publish('subsystem_ready', this.path, { system: child.path });
    } else if (child.status === 'running' && (child.kind === 'supervisor' || child.ref !== undefined)) {
      // Still running but no longer ready (tag removed, not_ready emitted): not an exit.
      this.services.publish('subsystem_failed', this.path, { system: child.path, reason: 'readiness_lost' });
    }
    this.recomputeReady();
  }

  onDrops(cell: ActorCell, count: number): void {
    this.services.publish('messages_dropped', this.path, { path: cell.path, count, policy: cell.spec.mailbox.overflow });
  }

  onCreated(cell: ActorCell, actor: Parameters<SupervisorServices['attach']>[1]): void {
    this.services.attach(cell, actor);
  }

  // ---- internals ------------------------------------------------------------------------

  private async handleExit(child: Child, restart: boolean, gen: number): Promise<void> {
    if (gen !== this.gen || this.children.get(child.id) !== child) return;
    if (!restart) {
      if (child.spec.restart === 'temporary') this.remove(child);
      this.recomputeReady();
      return;
    }
    const now = this.services.clock.now();
    if (!this.window.record(now)) return this.giveUp(gen);
    const live = this.order.filter((id) => id === child.id || isLive(this.children.get(id)!));
    const plan = STRATEGIES[this.spec.strategy](live, child.id);
    for (const id of plan.stop) {
      await this.stopChild(this.children.get(id)!);
      if (gen !== this.gen) return;
    }
    const starts = plan.start.filter((id) => {
      const c = this.children.get(id)!;
      if (c === child || c.spec.restart !== 'temporary') return true;
      this.remove(c); // OTP: a temporary sibling stopped by the strategy is not restarted
      return false;
    });
    const backoff = child.spec.backoff ?? this.spec.backoff;
    let state = this.backoffs.get(child.id);
    if (!state) this.backoffs.set(child.id, (state = new BackoffState()));
    const attempt = state.next(backoff?.resetAfterMs ?? this.spec.intensity.periodMs, now - (child.startedAt ?? now));
    const delayMs = backoff ? backoffDelay(backoff, attempt, this.services.random) : 0;
    for (const id of starts) {
      const c = this.children.get(id)!;
      c.status = delayMs > 0 ? 'backoff' : 'starting';
      this.services.publish('child_restarting', this.path, { path: c.path, attempt, delayMs });
    }
    if (delayMs === 0) return this.startChildren(starts, gen, true);
    const timer = this.services.clock.setTimeout(() => {
      this.pending.delete(child.id);
      this.ops.post(() => this.startChildren(starts, gen, true));
    }, delayMs);
    this.pending.set(child.id, timer);
  }

  private async startChildren(ids: readonly string[], gen: number, restarting: boolean): Promise<void> {
    const started: Promise<void>[] = [];
    for (const [i, id] of ids.entries()) {
      if (gen !== this.gen) return;
      const child = this.children.get(id);
      if (!child) continue;
      // The leading children (the root's control plane) always start one by one, each ready first.
      const sequential = this.spec.start === 'sequential' || (i < (this.spec.leading ?? 0) && this.order[i] === id);
      const launched = this.launch(child, restarting);
      if (!sequential) {
        if (launched) started.push(launched);
        // A mass start yields now and then: event subscribers drain, the event loop breathes.
        if ((i & 255) === 255) await Promise.resolve();
        continue;
      }
      if (launched) await launched;
      const ready = this.gate.wait(child);
      if (ready) await ready;
    }
    if (started.length > 0) await Promise.all(started);
    if (gen === this.gen && this.status === 'starting') {
      this.status = 'running';
      this.recomputeReady();
    }
  }

  /** Starts one child and publishes its lifecycle events; resolves when a nested supervisor has started. */
  private launch(child: Child, restarting: boolean): Promise<void> | undefined {
    this.services.publish('subsystem_starting', this.path, { system: child.path });
    if (restarting) this.countRestart(child);
    if (child.kind === 'supervisor') {
      // Like OTP, a supervisor has started once its own children have.
      return child.start().then(() => this.services.publish('child_started', this.path, { path: child.path, instance: child.instance! }));
    }
    child.start();
    this.services.publish('child_started', this.path, { path: child.path, instance: child.instance! });
    this.gate.arm(child);
    return undefined;
  }

  private countRestart(child: Child): void {
    child.restarts++;
    let recent = this.restartWindows.get(child.id);
    if (!recent) this.restartWindows.set(child.id, (recent = new RestartWindow(this.spec.intensity)));
    recent.record(this.services.clock.now());
  }

  private async stopChild(child: Child): Promise<void> {
    this.gate.settle(child);
    if (!isLive(child) && child.status !== 'stopping') {
      child.status = 'stopped';
      return;
    }
    this.services.publish('subsystem_stopping', this.path, { system: child.path });
    await child.stop(child.spec.shutdown);
    const forced = child.kind === 'worker' && child.forced;
    this.services.publish('child_exited', this.path, forced ? { path: child.path, reason: 'shutdown', forced } : { path: child.path, reason: 'shutdown' });
  }

  private async stopAll(): Promise<void> {
    for (const child of this.list().reverse()) await this.stopChild(child);
  }

  private async giveUp(gen: number): Promise<void> {
    const { maxRestarts, periodMs } = this.spec.intensity;
    this.services.publish('restart_intensity_exceeded', this.path, { supervisor: this.path, restarts: maxRestarts, periodMs });
    this.halt('stopping');
    await this.stopAll();
    if (gen + 1 !== this.gen) return; // stopped by our parent meanwhile
    this.status = 'failed';
    this.parent.onExit(this, 'error', new RestartIntensityError(this.path, maxRestarts, periodMs));
  }

  private missedDeadline(child: Child): void {
    if (child.kind !== 'worker') return;
    this.services.publish('subsystem_failed', this.path, { system: child.path, reason: 'readiness_timeout' });
    child.crash(new ReadinessTimeoutError(child.path, child.spec.readiness.timeoutMs));
  }

  /** Ends this generation: pending restarts, deadlines and queued operations are abandoned. */
  private halt(status: ActorStatus): void {
    this.gen++;
    for (const id of [...this.pending.keys()]) this.cancelPending(id);
    this.gate.clear();
    this.status = status;
    this.setReady(false);
  }

  private recomputeReady(): void {
    if (this.status !== 'running' && this.status !== 'ready') return;
    let ready = true;
    for (const child of this.children.values()) {
      if (!child.ready && isLive(child)) {
        ready = false;
        break;
      }
    }
    this.setReady(ready);
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (this.status === 'running' || this.status === 'ready') this.status = ready ? 'ready' : 'running';
    this.parent.onReadiness(this, ready);
  }

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
    return child;
  }

  private remove(child: Child): void {
    this.children.delete(child.id);
    this.order = this.order.filter((id) => id !== child.id);
    this.backoffs.delete(child.id);
    this.restartWindows.delete(child.id);
    this.cancelPending(child.id);
    this.services.unregister(child);
  }

  private cancelPending(id: string): void {
    const timer = this.pending.get(id);
    if (timer === undefined) return;
    this.services.clock.clearTimeout(timer);
    this.pending.delete(id);
    const child = this.children.get(id);
    if (child?.status === 'backoff') child.status = 'stopped';
  }

  private mustGet(id: string): Child {
    const child = this.children.get(id);
    if (!child) throw new UnknownActorError(`${this.path}/${id}`);
    return child;
  }
}
