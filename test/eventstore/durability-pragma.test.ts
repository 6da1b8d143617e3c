/**
 * The power-loss promise (README, systems/default.yaml) rests on `PRAGMA synchronous=FULL`:
 * read it from the journal's own connection (the pragma is per connection), opened the way
 * the persistence actor opens it, from its params.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Journal } from '../../src/eventstore/journal/journal.js';
import { openJournal } from '../../src/eventstore/journal/open.js';
import { SqliteJournal } from '../../src/eventstore/journal/sqlite.js';
import { persistenceParams } from '../../src/eventstore/persistence/params.js';

const FULL = 2;
const NORMAL = 1;

const opened: Journal[] = [];
afterEach(() => opened.splice(0).forEach((j) => j.close()));

function open(params: Record<string, unknown>): SqliteJournal {
  const journal = openJournal(persistenceParams.parse(params), mkdtempSync(join(tmpdir(), 'overseer-pragma-')), {});
  opened.push(journal);
  expect(journal).toBeInstanceOf(SqliteJournal);
  return journal as SqliteJournal;
}

describe('PRAGMA synchronous of the SQLite journal', () => {
  it('is FULL when the persistence params say nothing (the default)', () => {
    expect(open({}).synchronous).toBe(FULL);
  });

  it('is FULL when configured synchronous: full', () => {
    expect(open({ backend: 'sqlite', synchronous: 'full' }).synchronous).toBe(FULL);
  });

  it('is NORMAL when configured synchronous: normal', () => {
    expect(open({ backend: 'sqlite', synchronous: 'normal' }).synchronous).toBe(NORMAL);
  });

  it('stays as configured after the journal is reopened on an existing file', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-pragma-'));
    openJournal(persistenceParams.parse({ synchronous: 'normal' }), dataDir, {}).close();
    const again = openJournal(persistenceParams.parse({}), dataDir, {}) as SqliteJournal;
    opened.push(again);
    expect(again.synchronous).toBe(FULL);
  });
});
