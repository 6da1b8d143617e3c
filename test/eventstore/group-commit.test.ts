import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/eventstore/errors.js';
import type { AppendOutcome, Journal } from '../../src/eventstore/journal/journal.js';
import { MemoryJournal } from '../../src/eventstore/journal/memory.js';
import type { AppendCommand } from '../../src/eventstore/model.js';
import { GroupCommit } from '../../src/eventstore/persistence/group-commit.js';

const cmd = (stream: string): AppendCommand => ({ stream, expectedVersion: 'any', events: [{ type: 't', data: {} }] });
const submit = (commits: GroupCommit, c: AppendCommand) => new Promise<AppendOutcome>((resolve) => commits.submit(c, resolve));

/** A journal whose next `failures` commits throw, counting the batches it was given. */
function flakyJournal(failures: number): Journal & { batches: number[] } {
  const inner = new MemoryJournal();
  const batches: number[] = [];
  return Object.assign(Object.create(inner) as Journal, {
    batches,
    appendBatch(commands: readonly AppendCommand[], time: string) {
      batches.push(commands.length);
      if (failures-- > 0) throw new Error('disk I/O error');
      return inner.appendBatch(commands, time);
    },
  });
}

describe('group commit', () => {
  it('appends submitted in one turn of the event loop share one transaction; more than maxBatch are split', async () => {
    const journal = flakyJournal(0);
    const commits = new GroupCommit(journal, () => 0, 3, () => undefined);
    const outcomes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((s) => submit(commits, cmd(s))));
    expect(journal.batches).toEqual([3, 2]);
    expect(outcomes.map((o) => o.ok && o.result.position)).toEqual([1, 2, 3, 4, 5]);
    expect({ commits: commits.commits, appends: commits.appends }).toEqual({ commits: 2, appends: 5 });
  });

  it('a failed commit answers every waiting append as unavailable (nothing stored) and reports the failure', async () => {
    const journal = flakyJournal(1);
    const failures: Error[] = [];
    const commits = new GroupCommit(journal, () => 0, 2, (e) => failures.push(e));
    const outcomes = await Promise.all(['a', 'b', 'c'].map((s) => submit(commits, cmd(s))));
    expect(outcomes.every((o) => !o.ok && o.error instanceof StoreUnavailableError)).toBe(true);
    expect(outcomes.map((o) => !o.ok && o.error.message)).toEqual(Array(3).fill('the journal is unavailable: disk I/O error'));
    expect(failures.map((e) => e.message)).toEqual(['disk I/O error']);
    expect(journal.batches).toEqual([2]); // the third was never tried: answered at once
    expect(journal.head()).toBe(0);
    // the next append goes through (the actor would have reopened the journal)
    expect(await submit(commits, cmd('a'))).toMatchObject({ ok: true, result: { position: 1 } });
  });

  it('drain() commits what is queued at once (shutdown); abandon() answers the rest', async () => {
    const journal = flakyJournal(0);
    const commits = new GroupCommit(journal, () => 0, 10, () => undefined);
    const first = submit(commits, cmd('a'));
    commits.drain();
    expect(await first).toMatchObject({ ok: true });
    const late = submit(commits, cmd('b'));
    commits.abandon(new StoreUnavailableError('root/persistence'));
    expect(await late).toMatchObject({ ok: false, error: expect.any(StoreUnavailableError) });
    expect(journal.head()).toBe(1);
  });
});
