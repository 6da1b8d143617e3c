/**
 * Group commit for a journal that answers later (PostgreSQL): one transaction in flight at a
 * time; every append that arrives meanwhile waits and goes into the next one, so the batch
 * grows with the load and the commit rate does not have to. Each append is answered only
 * after its transaction committed. Failures are handled as in group-commit.ts: appends out of
 * the JSON bounds are refused alone, a failed commit answers the whole queue as unavailable.
 */
import { StoreUnavailableError } from '../errors.js';
import { appendBoundsProblem } from '../json-bounds.js';
import type { AppendCommand } from '../model.js';
import type { AsyncJournal } from '../journal/async-journal.js';
import type { AppendOutcome } from '../journal/journal.js';

type Done = (outcome: AppendOutcome) => void;
type Item = { command: AppendCommand; done: Done };

export class AsyncGroupCommit {
  private queue: Item[] = [];
  private running: Promise<void> | undefined;
  commits = 0;
  appends = 0;

  constructor(
    private readonly journal: AsyncJournal,
    private readonly now: () => number,
    private readonly maxBatch: number,
    /** A commit failed for a reason other than the appends themselves (connection lost): the owner degrades. */
    private readonly onCommitFailed: (error: Error) => void,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  /** True while a transaction is in flight. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  submit(command: AppendCommand, done: Done): void {
    this.queue.push({ command, done });
    // The first append of an idle period waits one turn of the loop, so a burst arriving together shares its transaction.
    if (this.running === undefined) this.running = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run());
  }

  /** Resolves once everything queued now (and what arrives meanwhile) has been committed or answered. */
  async drain(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Answers every queued append with `error` without committing. */
  abandon(error: Error): void {
    const queue = this.queue;
    this.queue = [];
    for (const item of queue) item.done({ ok: false, error });
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (!(await this.commit(batch))) return;
      }
    } finally {
      this.running = undefined;
    }
  }

  /** One transaction; false when it failed and the queue was answered. */
  private async commit(batch: Item[]): Promise<boolean> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.journal.appendBatch(
        batch.map((b) => b.command),
        new Date(this.now()).toISOString(),
      );
    } catch (error) {
      const kept = batch.filter((item) => {
        const problem = appendBoundsProblem(item.command.events);
        if (problem !== undefined) item.done({ ok: false, error: problem });
        return problem === undefined;
      });
      if (kept.length < batch.length) {
        this.queue = kept.concat(this.queue); // the rest commit again, first in line
        return true;
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      // Not acknowledged, so safe to retry (with event ids, a retry of a commit that did land is not stored twice).
      const answer = new StoreUnavailableError('the journal', failure);
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
