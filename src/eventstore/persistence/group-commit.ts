/**
 * Group commit: appends that arrive while the event loop is busy go into one transaction
 * (one fsync), flushed on the next turn of the loop. Each append is answered only after its
 * transaction committed; a failed commit answers every append in it with the error.
 */
import { StoreUnavailableError } from '../errors.js';
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
    /** The commit itself failed (disk full, I/O error): the owner should crash and reopen. */
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
}
