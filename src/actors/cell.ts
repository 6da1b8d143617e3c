/**
 * One supervised cell: owns the current XState root actor of one child path, its bounded
 * mailbox (which survives restarts, as in Akka), its readiness, and its exit observation.
 * The cell decides nothing: it reports exits, readiness and drops to its host (the supervisor).
 */
import { createActor, type AnyActorLogic, type AnyActorRef, type EventObject, type Snapshot } from 'xstate';
import { newId } from '../shared/ids.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { AskTargetExitedError, MailboxFullError, MessageDroppedError, NotRunningError } from '../shared/errors.js';
import type { Shutdown, WorkerSpec } from '../spec/types.js';
import { exitReasonOf, type ActorOutcome, type ExitReason } from './exit-reasons.js';
import { BUSY_TAG, DRAIN_EVENT, READY_TAG, STOP_EVENT, STOPPED_SIGNAL, traitsOf } from './logic-traits.js';
import { deliver, releaseAfterError } from './xstate-adapter.js';
import { ChildState } from './child-state.js';
import { BoundedQueue } from '../shared/bounded-queue.js';
import { replyOf, type ReplyRef } from './reply.js';
import type { Inspector } from '../supervisor/services.js';

/** A message to an actor: an XState event, with any payload. */
export type Message = EventObject & { readonly [key: string]: unknown };

export type { ActorStatus } from './child-state.js';

/** What a cell reports to, implemented by its supervisor. */
export interface CellHost {
  /** The runtime's clock (stop deadlines): its timers never keep the process alive. */
  readonly clock: Clock;
  /** The clock the XState actor gets (its `after:` delays keep the process alive, as in raw XState). */
  readonly actorClock: Clock;
  /** An XState inspector for every incarnation; deliveries then go through `send` so it sees them. */
  readonly inspect?: Inspector;
  /** The actor ended on its own (not by `stop`). Called once per incarnation. */
  onExit(cell: ActorCell, reason: ExitReason, error: unknown): void;
  onReadiness(cell: ActorCell, ready: boolean): void;
  /** Messages were lost to overflow; called at most once per microtask burst. */
  onDrops(cell: ActorCell, count: number): void;
  /** The actor was just created (before start): lets the runtime attach its context. */
  onCreated(cell: ActorCell, actor: AnyActorRef): void;
}

/**
 * How this cell learns readiness: `on-start` (the spec says so, nothing can change it), ready
 * at start but lost and regained by `not_ready` / `ready` emits, the `ready` tag, or emits.
 */
type ReadinessSource = 'on-start' | 'start+emit' | 'tag' | 'emit' | 'tag+emit';

/**
 * How an incarnation stops when asked: at once, by reaching a final state after
 * `overseer.stop` (a machine that handles it), or by emitting `stopped` after it (stopsBySignal).
 */
type GracefulStop = 'none' | 'final-state' | 'signal';

/** How the current incarnation is being made to exit by `exit()` (system.kill), if it is. */
interface ForcedExit {
  readonly reason: ExitReason;
  readonly error: unknown;
}

export class ActorCell extends ChildState {
  readonly kind = 'worker' as const;
  private actor: AnyActorRef | undefined;
  /** Created on the first message that has to wait: most actors never queue one. */
  private mailbox: BoundedQueue<EventObject> | undefined;
  private busy = false;
  /** A live incarnation, not stopping, with nothing queued: idle sends may go straight in. */
  private direct = false;
  private drainScheduled = false;
  private dropsReported = 0;
  private dropReportScheduled = false;
  private stopWaiter: (() => void) | undefined;
  private stopTimer: TimerHandle | undefined;
  private forcedExit: ForcedExit | undefined;
  /** Fixed when the incarnation starts: a later setLogic changes the next one only. */
  private graceful: GracefulStop = 'none';
  private unreadyReason: string | undefined;
  /** Asks delivered to the current incarnation and not yet answered: failed if it exits. */
  private inflight: ReplyRef[] | undefined;
  private inflightLimit = 64;
  /** The last stop had to be forced (deadline passed, or brutal_kill). */
  forced = false;
  /** What the current incarnation reports about itself (runtimeOf(self).report), for status. */
  info: (() => Record<string, unknown>) | undefined;
  /** An inspector watches: deliveries go through XState's `send` (read once, off the send path). */
  private readonly inspected: boolean;
  /** Producers whose `output` this cell could not take: each is sent `overseer.drain` once it can. */
  private roomWaiters: Set<ActorCell> | undefined;
  /** Fixed per incarnation: readiness follows the `ready` tag; the `busy` tag holds the mailbox. */
  private readyByTag = false;
  private holdsWhenBusy = false;
  /** The snapshot has the `busy` tag: messages wait in the mailbox until it is gone. */
  private held = false;

  constructor(
    readonly path: string,
    readonly spec: WorkerSpec,
    private logic: AnyActorLogic,
    private readonly host: CellHost,
  ) {
    super();
    this.inspected = host.inspect !== undefined;
  }

  get id(): string {
    return this.spec.id;
  }

  get mailboxStats(): { depth: number; capacity: number; dropped: number } {
    const mailbox = this.mailbox;
    return { depth: mailbox?.depth ?? 0, capacity: this.spec.mailbox.capacity, dropped: mailbox?.dropped ?? 0 };
  }

  /** An incarnation is alive (started and not yet exited). */
  get running(): boolean {
    return this.actor !== undefined;
  }

  /** The running XState actor, if any (for inspection; sending should go through `send`). */
  get ref(): AnyActorRef | undefined {
    return this.actor;
  }

  /**
   * Starts a fresh incarnation. A crash during start is reported through onExit like any other.
   * Refuses (a runtime bug) while an incarnation is alive: one cell never runs two.
   */
  start(): void {
    if (this.actor !== undefined) throw new Error(`overseer: "${this.path}" started while incarnation ${this.instance ?? '?'} runs`);
    const inspect = this.host.inspect;
    const actor = createActor(this.logic, inspect ? { input: this.spec.params, clock: this.host.actorClock, inspect } : { input: this.spec.params, clock: this.host.actorClock });
    this.instance = newId();
    this.info = undefined;
    this.status = 'starting';
    this.ready = false;
    this.forced = false;
    this.actor = actor;
    const traits = traitsOf(this.logic);
    this.graceful = traits.emitsStopped ? 'signal' : traits.handlesStop ? 'final-state' : 'none';
    const readiness = this.readinessSource();
    const readyEmits = readiness !== 'tag' && readiness !== 'on-start';
    this.readyByTag = readiness === 'tag' || readiness === 'tag+emit';
    this.holdsWhenBusy = traits.hasBusyTag;
    this.held = false;
    const observer = new IncarnationObserver(this, actor, this.readyByTag || this.holdsWhenBusy, readyEmits);
    actor.subscribe(observer);
    // One wildcard listener for every emit the runtime reads (readiness, `stopped`), not one
    // per type: a listener costs a Set on every actor.
    if (readyEmits || this.graceful === 'signal') actor.on('*', observer.onSignal);
    this.host.onCreated(this, actor);
    this.startedAt = this.host.clock.now();
    actor.start();
    if (this.actor !== actor) return; // crashed or finished during start
    this.status = this.ready ? 'ready' : 'running'; // readiness may have come during start
    if (readiness === 'on-start' || (readiness === 'start+emit' && !observer.signalled)) this.setReady(true);
    if (this.actor === actor && (this.readyByTag || this.holdsWhenBusy)) this.onSnapshot(actor, actor.getSnapshot());
    if (this.actor !== actor) return; // readiness handlers may have stopped it
    if (this.mailbox !== undefined && this.mailbox.depth > 0) this.scheduleDrain();
    else if (!this.held) this.direct = true;
    this.notifyRoom();
  }

  // ---- pipeline links (DESIGN §10): LinkTable decides, the cell holds the messages ------

  /** A linked message would be kept and delivered: alive or about to be (restarting), and the mailbox has room. */
  hasRoomForLinked(): boolean {
    const status = this.status;
    if (status !== 'starting' && status !== 'running' && status !== 'ready' && status !== 'backoff') return false;
    return (this.mailbox?.depth ?? 0) < this.spec.mailbox.capacity;
  }

  /**
   * Queues a linked message (the caller checked hasRoomForLinked): always through the mailbox,
   * never into the actor inside the producer's own step, so a fast producer meets a full
   * mailbox instead of running the whole pipeline on its stack.
   */
  offerLinked(message: Message): void {
    this.direct = false;
    (this.mailbox ??= new BoundedQueue(this.spec.mailbox.capacity, this.spec.mailbox.overflow)).offer(message);
    if (this.actor !== undefined) this.scheduleDrain();
  }

  /** `producer` is sent `overseer.drain` the next time this cell has room (once). */
  wakeWhenRoom(producer: ActorCell): void {
    (this.roomWaiters ??= new Set()).add(producer);
  }

  /**
   * Sends a runtime signal (`overseer.drain`) to the running incarnation, ahead of its
   * mailbox, as `overseer.stop` is: it must arrive even when the mailbox is full. A stopped or
   * stopping producer gets nothing; its next incarnation starts its output afresh.
   */
  signal(message: Message): void {
    const actor = this.actor;
    if (actor !== undefined && this.stopWaiter === undefined) deliver(actor, message, this.inspected);
  }

  private notifyRoom(): void {
    const waiters = this.roomWaiters;
    if (waiters === undefined || (this.mailbox?.depth ?? 0) >= this.spec.mailbox.capacity || this.actor === undefined) return;
    this.roomWaiters = undefined;
    for (const producer of waiters) producer.signal(DRAIN);
  }

  /**
   * Delivers a message: straight into the actor when it is idle (XState processes it
   * synchronously), otherwise into the bounded mailbox, drained in order on a microtask.
   */
  send(message: Message): void {
    if (this.direct && !this.busy) {
      // No try/finally on the hot path: XState catches errors inside the actor, and should
      // send itself ever throw, the next drain resets `busy` (messages queue meanwhile).
      this.busy = true;
      deliver(this.actor!, message, this.inspected);
      this.busy = false;
      return;
    }
    const actor = this.actor;
    if (this.status === 'stopped' || this.status === 'failed' || this.status === 'completed') {
      throw new NotRunningError(`actor "${this.path}"`, this.path);
    }
    this.direct = false; // later sends queue behind this one
    const mailbox = (this.mailbox ??= new BoundedQueue(this.spec.mailbox.capacity, this.spec.mailbox.overflow));
    const result = mailbox.offer(message);
    if (result !== 'queued') {
      this.scheduleDropReport();
      if (result === 'rejected') throw new MailboxFullError(this.path, this.spec.mailbox.capacity);
      // An ask whose message is lost fails now instead of waiting for its timeout.
      const lost = result === 'dropped_newest' ? message : mailbox.evicted;
      mailbox.evicted = undefined;
      if (lost !== undefined) replyOf(lost)?.fail(new MessageDroppedError(this.path, 'overflow'));
    }
    if (actor !== undefined) this.scheduleDrain();
  }

  /** `send` for an ask: the incarnation that takes the message is watched until it replies. */
  sendAsk<R>(message: Message, reply: ReplyRef<R>): void {
    if (this.direct && !this.busy) {
      const actor = this.actor!;
      this.busy = true;
      deliver(actor, message, this.inspected);
      this.busy = false;
      if (!reply.settled) this.watchOrFail(actor, reply as ReplyRef<unknown>);
      return;
    }
    this.send(message);
  }

  /**
   * Stops the current incarnation. Graceful when its logic stops gracefully: it is sent
   * `overseer.stop` and given `shutdown` ms (or forever, `infinity`) to reach a final state
   * (a machine that handles the event) or to emit `stopped` (stopsBySignal), then is
   * force-stopped (`forced`). Any other logic, and `brutal_kill`, stop at once without being
   * asked. Resolves when the actor has stopped. Never reports through onExit.
   */
  stop(shutdown: Shutdown): Promise<void> {
    const actor = this.actor;
    if (actor === undefined) {
      this.status = 'stopped';
      return Promise.resolve();
    }
    this.status = 'stopping'; // before losing readiness, so the host sees a stop, not a lost readiness
    this.direct = false;
    this.setReady(false);
    return new Promise<void>((resolve) => {
      this.stopWaiter = resolve;
      if (shutdown === 'brutal_kill' || this.graceful === 'none') {
        this.forced = shutdown === 'brutal_kill';
        actor.stop();
        return;
      }
      if (shutdown !== 'infinity') this.stopTimer = this.host.clock.setTimeout(() => this.kill(), shutdown);
      actor.send({ type: STOP_EVENT });
    });
  }

  /** Fails the current incarnation (missed readiness deadline): stops it, reports an error exit. */
  crash(error: Error): void {
    this.exit('error', error);
  }

  /**
   * Makes the current incarnation exit now with `reason`, like Erlang's `exit(Pid, Reason)`:
   * the actor is stopped and its supervisor sees that exit reason. No-op while stopping.
   */
  exit(reason: ExitReason, error?: unknown): void {
    const actor = this.actor;
    if (actor === undefined || this.stopWaiter) return;
    this.forcedExit = { reason, error };
    actor.stop();
  }

  /** @internal A `stopped` emit of `actor`: the graceful stop it was asked for is done. */
  onStopped(actor: AnyActorRef): void {
    // Only an answer to overseer.stop counts: a `stopped` emit at any other time means nothing.
    if (this.actor === actor && this.stopWaiter !== undefined && this.graceful === 'signal') actor.stop();
  }

  /** Force-stops now (shutdown deadline passed, or the whole stop's deadline). */
  kill(): void {
    const actor = this.actor;
    if (actor === undefined) return;
    this.forced = true;
    actor.stop();
  }

  /** Drops queued messages (when the child is terminated for good); they count as dropped, their asks fail. */
  clearMailbox(): number {
    const n = this.mailbox?.clear((m) => replyOf(m)?.fail(new MessageDroppedError(this.path, 'terminated'))) ?? 0;
    if (n > 0) this.scheduleDropReport();
    return n;
  }

  /** A new incarnation will use this logic (live reconfiguration, module reload). */
  setLogic(logic: AnyActorLogic): void {
    this.logic = logic;
  }

  /**
   * Takes `params` into its spec (system.updateParams, through its supervisor's queue): the
   * next incarnation gets them as input, status shows them. The running one is not touched.
   */
  adoptParams(params: Readonly<Record<string, unknown>>): void {
    // `spec` is readonly for every other reader; only params change, as a new frozen value.
    (this as { spec: WorkerSpec }).spec = Object.freeze({ ...this.spec, params: Object.freeze({ ...params }) });
  }

  /** The running incarnation takes params updates as `overseer.params` (handlesParams, or a machine handling it). */
  get paramsLive(): boolean {
    return this.actor !== undefined && this.stopWaiter === undefined && traitsOf(this.logic).handlesParams;
  }

  private readinessSource(): ReadinessSource {
    const mode = this.spec.readiness.mode;
    if (mode === 'on-start') return 'on-start';
    const { hasReadyTag: tagged, emitsReady } = traitsOf(this.logic);
    if (mode === 'signal' || emitsReady) return tagged ? 'tag+emit' : 'emit';
    return tagged ? 'tag' : 'start+emit';
  }

  /** Why the actor said it is not ready (`{ type: 'not_ready', reason }`), while it is not. */
  get notReadyReason(): string | undefined {
    return this.ready ? undefined : this.unreadyReason;
  }

  /** @internal A `ready` / `not_ready` emit of the current incarnation. */
  onSignal(actor: AnyActorRef, ready: boolean, reason?: string): void {
    if (this.actor !== actor) return;
    // Not ready, and now a new reason (a database that cannot be reached yet, a fault that changed): say so, though readiness did not change.
    const newReason = !ready && !this.ready && reason !== undefined && reason !== this.unreadyReason;
    this.unreadyReason = ready ? undefined : reason;
    this.setReady(ready);
    if (newReason) this.host.onReadiness(this, false);
  }

  /** After delivering an ask to `actor`: watch it, or fail it now if that very message ended the incarnation. */
  private watchOrFail(actor: AnyActorRef, reply: ReplyRef<unknown>): void {
    if (this.actor === actor) return this.watch(reply);
    reply.fail(new AskTargetExitedError(this.path, this.lastExit?.reason ?? 'shutdown'));
  }

  private watch(reply: ReplyRef<unknown>): void {
    const inflight = (this.inflight ??= []);
    if (inflight.length >= this.inflightLimit) {
      // Answered asks leave lazily: compact once they dominate (amortized O(1) per ask).
      this.inflight = inflight.filter((r) => !r.settled);
      this.inflightLimit = Math.max(64, this.inflight.length * 2);
    }
    this.inflight!.push(reply);
  }

  /** The incarnation ended: every ask it took and did not answer fails (like a monitor's DOWN). */
  private failInflight(reason: ExitReason, error: unknown): void {
    const inflight = this.inflight;
    if (inflight === undefined) return;
    this.inflight = undefined;
    this.inflightLimit = 64;
    for (const reply of inflight) if (!reply.settled) reply.fail(new AskTargetExitedError(this.path, reason, error));
  }

  /** @internal */
  onSnapshot(actor: AnyActorRef, snapshot: Snapshot<unknown>): void {
    if (this.actor !== actor || snapshot.status !== 'active') return;
    const hasTag = (snapshot as { hasTag?: (t: string) => boolean }).hasTag;
    if (!hasTag) return;
    if (this.holdsWhenBusy) this.setHeld(hasTag.call(snapshot, BUSY_TAG));
    if (this.readyByTag) this.setReady(hasTag.call(snapshot, READY_TAG));
  }

  /** The `busy` tag came or went: hold the mailbox, or deliver what waited (on a microtask, in order). */
  private setHeld(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    if (held) this.direct = false;
    else if (this.status !== 'stopping' && this.actor !== undefined) {
      if ((this.mailbox?.depth ?? 0) > 0) this.scheduleDrain();
      else if (!this.busy) this.direct = true;
    }
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (this.status === 'running' || this.status === 'ready') this.status = ready ? 'ready' : 'running';
    this.host.onReadiness(this, ready);
  }

  /** @internal */
  ended(actor: AnyActorRef, outcome: ActorOutcome, error: unknown): void {
    if (this.actor !== actor) return; // an older incarnation
    this.actor = undefined;
    this.direct = false;
    this.setReady(false);
    const waiter = this.stopWaiter;
    if (waiter) {
      this.stopWaiter = undefined;
      if (this.stopTimer !== undefined) this.host.clock.clearTimeout(this.stopTimer);
      this.stopTimer = undefined;
      this.status = 'stopped';
      this.failInflight('shutdown', undefined);
      waiter();
      return;
    }
    const forced = this.forcedExit;
    this.forcedExit = undefined;
    const reason = forced ? forced.reason : exitReasonOf(outcome);
    if (reason === 'normal') this.keepFinalReport();
    const cause = forced ? forced.error : error;
    this.failInflight(reason, cause);
    this.host.onExit(this, reason, cause);
  }

  /** A completed incarnation's report stays on its status node as its result (DESIGN §10): taken once, now. */
  private keepFinalReport(): void {
    const figures = this.report();
    if (figures !== undefined) this.info = () => figures;
  }

  /** What the incarnation reports now (runtimeOf(self).report); a throwing report is an error figure, never a broken /status. */
  report(): Record<string, unknown> | undefined {
    try {
      return this.info?.();
    } catch (error) {
      return { error: `report failed: ${(error as Error).message}` };
    }
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => this.drain());
  }

  /** Delivers what is queued now; messages queued meanwhile wait for the next turn (fairness). */
  private drain(): void {
    this.drainScheduled = false;
    const actor = this.actor;
    const mailbox = this.mailbox;
    if (actor === undefined || mailbox === undefined || this.status === 'stopping') return;
    this.busy = true;
    try {
      for (let n = mailbox.depth; n > 0 && this.actor === actor && !this.held; n--) {
        const message = mailbox.shift()!;
        deliver(actor, message, this.inspected);
        const reply = replyOf(message);
        if (reply !== undefined && !reply.settled) this.watchOrFail(actor, reply);
      }
    } finally {
      this.busy = false;
    }
    // A handler may have stopped the actor meanwhile (TS cannot see that status changed).
    if (this.actor !== actor || (this.status as string) === 'stopping') return;
    if (!this.held) {
      if (mailbox.depth > 0) this.scheduleDrain();
      else this.direct = true;
    }
    this.notifyRoom();
  }

  private scheduleDropReport(): void {
    if (this.dropReportScheduled) return;
    this.dropReportScheduled = true;
    queueMicrotask(() => {
      this.dropReportScheduled = false;
      const dropped = this.mailbox?.dropped ?? 0;
      const count = dropped - this.dropsReported;
      this.dropsReported = dropped;
      if (count > 0) this.host.onDrops(this, count);
    });
  }
}

const DRAIN: Message = Object.freeze({ type: DRAIN_EVENT });

/** Characters of a `not_ready` reason kept (it ends up in events and /readyz). */
const MAX_REASON = 200;

/**
 * The observer of one incarnation: one small object instead of three closures per start
 * (spawning 100k actors allocates 100k of these). `next` exists only when readiness follows
 * the `ready` tag, so other actors pay nothing per transition.
 */
class IncarnationObserver {
  readonly next: ((snapshot: Snapshot<unknown>) => void) | undefined;
  /** A readiness emit came (possibly during start, before the cell would mark it ready). */
  signalled = false;

  constructor(
    private readonly cell: ActorCell,
    private readonly actor: AnyActorRef,
    trackTags: boolean,
    /** `ready` / `not_ready` emits change readiness (not when it follows the tag, or is on-start). */
    private readonly readyEmits: boolean,
  ) {
    this.next = trackTags ? (snapshot) => cell.onSnapshot(actor, snapshot) : undefined;
  }

  /** Every emit of the incarnation: `ready` and `not_ready` change its readiness; `stopped` ends a graceful stop. */
  readonly onSignal = (event: EventObject): void => {
    if (event.type === STOPPED_SIGNAL) return this.cell.onStopped(this.actor);
    if (!this.readyEmits || (event.type !== 'ready' && event.type !== 'not_ready')) return;
    this.signalled = true;
    const reason = (event as { reason?: unknown }).reason;
    this.cell.onSignal(this.actor, event.type === 'ready', typeof reason === 'string' && reason !== '' ? reason.slice(0, MAX_REASON) : undefined);
  };

  error(err: unknown): void {
    releaseAfterError(this.actor);
    this.cell.ended(this.actor, 'error', err);
  }

  complete(): void {
    this.cell.ended(this.actor, this.actor.getSnapshot().status === 'done' ? 'done' : 'stopped', undefined);
  }
}
