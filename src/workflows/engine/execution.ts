/**
 * One running execution in the engine: its folded log, and a pump that turns what happened
 * (inputs: a task leased, completed, failed; a cancel) into one append per burst, the inputs
 * and everything the broker decides from them together, with the stream's version expected.
 * One append in flight per execution, so its events are stored in the order they happened;
 * another writer's events (a conflict) are read back and decided over. A store that does not
 * answer is retried with a backoff; nothing is lost meanwhile.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { EventStoreClient } from '../../eventstore/client.js';
import { InvalidStoreRequestError, WrongExpectedVersionError } from '../../eventstore/errors.js';
import { decideState, type Decision } from '../broker/decide.js';
import { emptyState, evolve, isTerminal, type ExecutionState } from '../broker/state.js';
import { executionStream, logEvent, runKey, type AnyExecutionEvent } from '../log.js';
import type { Playbook } from '../playbook/types.js';

export interface ExecutionHost {
  readonly store: Pick<EventStoreClient, 'append' | 'read'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after each decision is stored (or, with nothing to store, made): queue its tasks, or finish. */
  committed(run: ExecutionRun, decision: Decision, startedAt: number | undefined): void;
  readonly closed: boolean;
}

const PAGE = 4096;
const RETRY = { initialMs: 100, maxMs: 5000 };

/** Whether an input still means something: a result of the attempt that runs, a cancel of a running execution. */
export function accepts(playbook: Playbook, state: ExecutionState, event: AnyExecutionEvent): boolean {
  if (event.type === 'execution_started') return state.status === 'new';
  if (state.status !== 'running') return false;
  if (event.type === 'execution_cancelled') return true;
  if (event.type !== 'action_started' && event.type !== 'action_completed' && event.type !== 'action_failed') return true;
  const d = event.data;
  const slot = state.runs.get(runKey(d.step, d.visit))?.actions[d.index ?? 0];
  if (!slot || slot.attempt !== d.attempt) return false;
  return event.type === 'action_started' ? slot.status === 'pending' : slot.status === 'pending' || slot.status === 'started';
}

/** The decision after inputs that are all action_started: nothing to decide, the inputs that still mean something. */
function startedOnly(playbook: Playbook, state: ExecutionState, inputs: readonly AnyExecutionEvent[]): Decision & { accepted: AnyExecutionEvent[] } {
  const seen = new Set<string>();
  const accepted = inputs.filter((e) => !seen.has(e.id) && (seen.add(e.id), accepts(playbook, state, e)));
  return { events: [], tasks: [], accepted };
}

export class ExecutionRun {
  state: ExecutionState;
  /** The stream's version as folded (-1: nothing stored yet). */
  version = -1;
  /** The first append found the stream written already (a create repeated with the same id). */
  existed = false;
  /** Task ids this engine has queued for it: decided again, they are not queued again. */
  readonly known = new Set<string>();
  private inputs: AnyExecutionEvent[] = [];
  private busy = false;
  private dirty = false;
  private retryMs = RETRY.initialMs;
  private retryTimer: TimerHandle | undefined;
  private holdScheduled = false;
  private holdExpired = false;
  private readonly endWaiters: (() => void)[] = [];
  /** The first append of a new execution is tried once: its creator hears how it went. */
  private creation: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(
    readonly id: string,
    readonly playbook: Playbook,
    private readonly host: ExecutionHost,
    state?: ExecutionState,
    version = -1,
  ) {
    this.state = state ?? emptyState(id);
    this.version = version;
  }

  get stream(): string {
    return executionStream(this.id);
  }

  private created: Promise<void> = Promise.resolve();

  /** Starts a new execution with its first events; resolves once they are stored (or the stream turned out to exist). */
  create(events: readonly AnyExecutionEvent[]): Promise<void> {
    this.created = new Promise((resolve, reject) => {
      this.creation = { resolve, reject };
      this.submit(events);
    });
    return this.created;
  }

  /** Resolves once a create in progress has settled (at once for an execution read back from the store). */
  whenCreated(): Promise<void> {
    return this.created.catch(() => undefined);
  }

  submit(events: readonly AnyExecutionEvent[]): void {
    this.inputs.push(...events);
    void this.pump();
  }

  /** Decide again over what is stored (recovery, a store that came back). */
  redecide(): void {
    this.dirty = true;
    void this.pump();
  }

  /** Resolves once a terminal event is stored. */
  whenEnded(): Promise<void> {
    if (isTerminal(this.state)) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Stops retrying (the engine closes). */
  close(): void {
    if (this.retryTimer !== undefined) this.host.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.creation?.reject(new Error('the workflows actor stopped'));
    this.creation = undefined;
  }

  private async pump(): Promise<void> {
    if (this.busy || this.host.closed || this.retryTimer !== undefined) return;
    this.busy = true;
    try {
      while (!this.host.closed && (this.dirty || this.inputs.length > 0)) {
        const redecide = this.dirty;
        this.dirty = false;
        const pending = this.inputs.splice(0);
        const onlyStarts = !redecide && pending.every((e) => e.type === 'action_started');
        if (onlyStarts && !this.holdExpired) {
          // Held until the next turn: a task that completes meanwhile stores its action_started
          // with its result, in one append instead of two.
          this.inputs.unshift(...pending);
          if (!this.holdScheduled) {
            this.holdScheduled = true;
            setImmediate(() => {
              this.holdScheduled = false;
              if (this.inputs.length === 0) return;
              this.holdExpired = true;
              void this.pump();
            });
          }
          break;
        }
        this.holdExpired = false;
        // A worker taking a task changes no decision: store its action_started without deciding again.
        const decision = onlyStarts ? startedOnly(this.playbook, this.state, pending) : await decideState(this.playbook, this.state, pending, (s, e) => accepts(this.playbook, s, e));
        const { accepted } = decision;
        const events = [...accepted, ...decision.events];
        const wasNew = this.state.status === 'new';
        if (events.length > 0) {
          const outcome = await this.append(events);
          if (outcome.kind === 'invalid') {
            if (this.creation) return this.failCreation(outcome.error);
            // Something cannot be stored (a value over the event bounds): the execution fails, saying why.
            // If even that is refused, the inputs go too: the log stays as it is, and the log says so.
            this.host.logger.error({ execution: this.id, err: outcome.error }, 'workflow: an event cannot be stored; failing the execution');
            const failed = logEvent(this.id, 'execution_failed', { step: this.state.lastCompleted ?? this.playbook.start, error: { code: 'invalid_event', message: outcome.error.message.slice(0, 1000) } });
            if (!pending.some((e) => e.id === failed.id)) this.inputs.unshift(failed);
            continue;
          }
          if (outcome.kind === 'unavailable') {
            if (this.creation) return this.failCreation(outcome.error);
            this.inputs.unshift(...pending);
            return this.scheduleRetry(outcome.error);
          }
          if (outcome.kind === 'resynced') {
            this.inputs.unshift(...pending);
            this.dirty = true;
            this.settleCreation();
            continue;
          }
        }
        this.retryMs = RETRY.initialMs;
        this.host.committed(this, decision, wasNew && this.state.status !== 'new' ? this.startPosition : undefined);
        this.settleCreation();
        if (isTerminal(this.state)) for (const resolve of this.endWaiters.splice(0)) resolve();
      }
    } catch (error) {
      // A bug in deciding (not the store): keep the execution as it is stored, say so loudly.
      this.host.logger.error({ execution: this.id, err: error }, 'workflow: deciding failed; the execution waits for its next event');
      this.creation?.reject(error as Error);
      this.creation = undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Global position of the last append (where execution_started went, for the first one). */
  private startPosition = 0;

  private async append(events: AnyExecutionEvent[]): Promise<{ kind: 'ok' | 'resynced' } | { kind: 'invalid' | 'unavailable'; error: Error }> {
    try {
      const result = await this.host.store.append(
        this.stream,
        events.map((e) => ({ id: e.id, type: e.type, data: e.data })),
        { expectedVersion: this.version },
      );
      if (result.nextExpectedVersion !== this.version + events.length) {
        if (this.version < 0) this.existed = true;
        await this.resync(); // some were stored already: what the log holds is the truth
        return { kind: 'resynced' };
      }
      const time = new Date(this.host.clock.now()).toISOString();
      for (const e of events) evolve(this.playbook, this.state, e, time);
      this.version = result.nextExpectedVersion;
      this.startPosition = result.position;
      return { kind: 'ok' };
    } catch (error) {
      if (error instanceof InvalidStoreRequestError) return { kind: 'invalid', error };
      if (!(error instanceof WrongExpectedVersionError)) return { kind: 'unavailable', error: error as Error };
      if (this.version < 0) this.existed = true;
      try {
        await this.resync();
      } catch (readError) {
        return { kind: 'unavailable', error: readError as Error };
      }
      return { kind: 'resynced' };
    }
  }

  /** Reads what the stream holds after the folded version and folds it. */
  private async resync(): Promise<void> {
    for (;;) {
      const page = await this.host.store.read(this.stream, { from: this.version + 1, limit: PAGE });
      for (const e of page.events) {
        evolve(this.playbook, this.state, e as unknown as AnyExecutionEvent);
        this.version = e.version;
        this.startPosition = e.position;
      }
      if (page.events.length < PAGE) return;
    }
  }

  private scheduleRetry(error: Error): void {
    this.host.logger.warn({ execution: this.id, retryMs: this.retryMs, err: error }, 'workflow: the store did not take the append; retrying');
    this.retryTimer = this.host.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.pump();
    }, this.retryMs);
    this.retryMs = Math.min(RETRY.maxMs, this.retryMs * 2);
  }

  private settleCreation(): void {
    if (this.version < 0) return;
    this.creation?.resolve();
    this.creation = undefined;
  }

  private failCreation(error: Error): void {
    this.creation?.reject(error);
    this.creation = undefined;
    this.inputs = [];
  }
}
