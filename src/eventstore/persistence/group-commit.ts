/**
 * Group commit: appends that arrive while the event loop is busy go into one transaction
 * (one fsync), flushed on the next turn of the loop. Each append is answered only after its
 * transaction committed. A bad append never takes its batch down: when a commit fails, appends
 * outside the JSON bounds are refused alone and the rest commit again; a commit that fails
 * with every append in bounds (disk, I/O) answers all of them with the error.
 */
import { StoreUnavailableError } from '../errors.js';
import { appendBoundsProblem } from '../json-bounds.js';
import type { AppendCommand } from '../model.js';
import type { AppendOutcome, Journal } from '../journal/journal.js';

type Done = (outcome: AppendOutcome) => void;

export class GroupCommit {
  private queue: { command: AppendCommand; done: Done }[] = [];
  private scheduled = false;
  /** Transactions committed and appends they carried (for status). */
  commits = 0;
  appends = 0;

  constructor(
    private readonly journal: Journal,
    private readonly now: () => number,
    /** Appends per transaction at most; more wait for the next turn. */
    private readonly maxBatch: number,
    /** The commit itself failed (disk full, I/O error): the owner decides (refuse appends and probe, or crash). */
    private readonly onCommitFailed: (error: Error) => void,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  submit(command: AppendCommand, done: Done): void {
    this.queue.push({ command, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushOne());
    }
  }

  /** Commits everything queued now (used at shutdown); returns when all are answered. */
  drain(): void {
    while (this.queue.length > 0) if (!this.commitNext()) return;
  }

  /** Answers every queued append with `error` without committing (the journal is gone). */
  abandon(error: Error): void {
    const queue = this.queue;
    this.queue = [];
    for (const item of queue) item.done({ ok: false, error });
  }

  private flushOne(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return; // abandoned meanwhile: an empty commit would only touch the failed journal
    if (this.commitNext() && this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flushOne()); // let reads and new requests in between batches
    }
  }

  /** One transaction of up to maxBatch appends; false when the commit failed. */
  private commitNext(): boolean {
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    let outcomes: AppendOutcome[];
    try {
      outcomes = this.journal.appendBatch(
        batch.map((b) => b.command),
        new Date(this.now()).toISOString(),
      );
    } catch (error) {
      if (this.refuseOutOfBounds(batch)) return true;
      const failure = error instanceof Error ? error : new Error(String(error));
      const answer = new StoreUnavailableError('the journal', failure); // nothing of this batch is stored: safe to retry
      for (const item of batch) item.done({ ok: false, error: answer });
      this.abandon(answer);
      this.onCommitFailed(failure);
      return false;
    }
    this.commits += 1;
    this.appends += batch.length;
    for (let i = 0; i < batch.length; i++) batch[i]!.done(outcomes[i]!);
    return true;
  }

  /**
   * After a failed commit: refuses the appends that are outside the bounds now (the store
   * checked them, but an embedder's objects can change before the commit) and puts the rest
   * back first in line. False when none was: the commit itself failed.
   */
  private refuseOutOfBounds(batch: { command: AppendCommand; done: Done }[]): boolean {
    const keep: typeof batch = [];
    let refused = 0;
    for (const item of batch) {
      const problem = appendBoundsProblem(item.command.events);
      if (problem === undefined) keep.push(item);
      else {
        refused += 1;
        item.done({ ok: false, error: problem });
      }
    }
    if (refused === 0) return false;
    this.queue = keep.concat(this.queue); // flushOne and drain go on while the queue is not empty
    return true;
  }
}
