/**
 * Opens the journal a persistence actor's params describe. Memory journals are kept per
 * running system and file name, so a restarted actor finds what its predecessor stored.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Journal } from './journal.js';
import { MemoryJournal, MemoryStorage } from './memory.js';
import { SqliteJournal } from './sqlite.js';
import type { PersistenceParams } from '../persistence/params.js';

const memoryStores = new WeakMap<object, Map<string, MemoryStorage>>();

/** `owner`: what memory journals are scoped to (the running system). */
export function openJournal(params: PersistenceParams, dataDir: string, owner: object): Journal {
  if (params.backend === 'memory') {
    let byFile = memoryStores.get(owner);
    if (!byFile) memoryStores.set(owner, (byFile = new Map()));
    let storage = byFile.get(params.file);
    if (!storage) byFile.set(params.file, (storage = new MemoryStorage()));
    return new MemoryJournal(storage);
  }
  if (params.backend === 'postgres') throw new Error('a PostgreSQL journal opens asynchronously: PostgresJournal.open (persistence does)');
  const file = resolve(dataDir, params.file);
  try {
    mkdirSync(dirname(file), { recursive: true });
    return new SqliteJournal(file, params.synchronous, { integrityCheck: params.integrityCheck, integrityCheckMaxBytes: params.integrityCheckMaxBytes });
  } catch (error) {
    throw new Error(`cannot open the journal ${file}: ${(error as Error).message}`, { cause: error });
  }
}
