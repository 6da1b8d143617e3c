import { describe, expect, it } from 'vitest';
import { asyncJournal, type AsyncJournal } from '../../../src/eventstore/journal/async-journal.js';
import type { AppendOutcome } from '../../../src/eventstore/journal/journal.js';
import { MemoryJournal } from '../../../src/eventstore/journal/memory.js';
import type { AppendCommand } from '../../../src/eventstore/model.js';
import { AsyncGroupCommit } from '../../../src/eventstore/persistence/async-group-commit.js';

/** A memory journal whose commits wait until released, recording each batch's size. */
function gatedJournal() {
  const inner = asyncJournal(new MemoryJournal());
  const batches: number[] = [];
  const gates: (() => void)[] = [];
  let fail: Error | undefined;
  const journal: AsyncJournal = {
    ...inner,
    appendBatch: async (commands, time) => {
      batches.push(commands.length);
      await new Promise<void>((resolve) => gates.push(resolve));
      if (fail) throw fail;
      return inner.appendBatch(commands, time);
    },
  };
  /** Resolves once a commit is in flight (waiting at its gate). */
  const inFlight = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
  };
  /** Lets the commit in flight finish. */
  const released = async () => {
    await inFlight();
    gates.shift()!();
  };
  return { journal, batches, inFlight, released, failNext: (e: Error | undefined) => (fail = e) };
}

const cmd = (stream: string, data: unknown = 1): AppendCommand => ({ stream, expectedVersion: 'any', events: [{ type: 't', data }] });

describe('group commit for an asynchronous journal (PostgreSQL)', () => {
  it('one transaction in flight; what arrives meanwhile goes into the next one, each answered after its own commit', async () => {
    const { journal, batches, inFlight, released } = gatedJournal();
    const gc = new AsyncGroupCommit(journal, () => 0, 1000, () => undefined);
    const answers: AppendOutcome[] = [];
    gc.submit(cmd('a'), (o) => answers.push(o));
    await inFlight();
    for (let i = 0; i < 5; i++) gc.submit(cmd(`b${i}`), (o) => answers.push(o));
    expect(gc.pending).toBe(5);
    expect(answers).toEqual([]); // nothing is answered before its commit
    await released();
    await released();
    await gc.drain();
    expect(batches).toEqual([1, 5]);
    expect(answers.map((o) => o.ok && o.result.position)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('batches hold at most maxBatch appends', async () => {
    const { journal, batches, released } = gatedJournal();
    const gc = new AsyncGroupCommit(journal, () => 0, 2, () => undefined);
    for (let i = 0; i < 5; i++) gc.submit(cmd('s'), () => undefined);
    const draining = gc.drain();
    for (let i = 0; i < 3; i++) await released();
    await draining;
    expect(batches).toEqual([2, 2, 1]);
  });

  it('a failed commit answers its batch and everything queued as unavailable, and tells the owner once', async () => {
    const { journal, released, failNext } = gatedJournal();
    const failures: Error[] = [];
    const gc = new AsyncGroupCommit(journal, () => 0, 1, (e) => failures.push(e));
    const answers: AppendOutcome[] = [];
    failNext(new Error('Connection terminated unexpectedly'));
    for (let i = 0; i < 3; i++) gc.submit(cmd('s'), (o) => answers.push(o));
    await released();
    await gc.drain();
    expect(answers.map((o) => !o.ok && (o.error as { code?: string }).code)).toEqual(Array(3).fill('OVERSEER_ERR_STORE_UNAVAILABLE'));
    expect(failures.map((e) => e.message)).toEqual(['Connection terminated unexpectedly']);
  });

  it('when a commit fails, an append outside the JSON bounds is refused alone and the others commit again', async () => {
    const { journal, batches, released, failNext } = gatedJournal();
    const gc = new AsyncGroupCommit(journal, () => 0, 10, () => undefined);
    const answers: AppendOutcome[] = [];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    failNext(new Error('Converting circular structure to JSON'));
    gc.submit(cmd('ok'), (o) => answers.push(o));
    gc.submit(cmd('bad', cyclic), (o) => answers.push(o));
    await released();
    failNext(undefined);
    await released();
    await gc.drain();
    expect(batches).toEqual([2, 1]);
    expect(answers.map((o) => (o.ok ? 'ok' : (o.error as { code?: string }).code))).toEqual(['OVERSEER_ERR_INVALID_STORE_REQUEST', 'ok']);
  });
});
