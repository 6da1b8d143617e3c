/**
 * Which executions are running, and the playbook versions they run: rows in the workflows
 * database, so a restart knows what to resume without reading every execution stream.
 * `checkpoint` is the journal position of the last execution_started recorded here; recovery
 * scans the journal after it for executions whose row a crash or power loss took.
 */
import type { Database as Db, Statement } from 'better-sqlite3';
import type { PlaybookDefinition } from '../playbook/load.js';
import { deferredCommit, type DeferredCommit } from './database.js';

export interface ExecutionRow {
  readonly id: string;
  readonly playbook: string;
  readonly digest: string;
}

export class ExecutionIndex {
  private readonly stmt: Record<'add' | 'remove' | 'active' | 'count' | 'getMeta' | 'setMeta' | 'savePlaybook' | 'playbook', Statement>;
  private readonly addTx: (row: ExecutionRow, position: number, now: number) => void;
  private readonly tx: DeferredCommit;

  constructor(db: Db) {
    this.tx = deferredCommit(db);
    this.stmt = {
      add: db.prepare('INSERT OR IGNORE INTO executions (id, playbook, digest, position, created_at) VALUES (?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM executions WHERE id = ?'),
      active: db.prepare('SELECT id, playbook, digest FROM executions ORDER BY position'),
      count: db.prepare('SELECT COUNT(*) AS n FROM executions'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      savePlaybook: db.prepare('INSERT OR IGNORE INTO playbooks (digest, name, definition, file, registered_at) VALUES (?, ?, ?, ?, ?)'),
      playbook: db.prepare('SELECT definition FROM playbooks WHERE digest = ?'),
    };
    this.addTx = db.transaction((row: ExecutionRow, position: number, now: number) => {
      this.stmt.add.run(row.id, row.playbook, row.digest, position, now);
      if (position > this.checkpoint()) this.stmt.setMeta.run('checkpoint', String(position));
    });
  }

  /** Records a running execution whose execution_started is stored at `position`. */
  add(row: ExecutionRow, position: number, now: number): void {
    this.tx.begin();
    this.addTx(row, position, now);
  }

  remove(id: string): void {
    this.tx.begin();
    this.stmt.remove.run(id);
  }

  active(): ExecutionRow[] {
    return this.stmt.active.all() as ExecutionRow[];
  }

  count(): number {
    return (this.stmt.count.get() as { n: number }).n;
  }

  /** The journal position recovery scans after (0: from the beginning). */
  checkpoint(): number {
    const row = this.stmt.getMeta.get('checkpoint') as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  setCheckpoint(position: number): void {
    this.tx.begin();
    if (position > this.checkpoint()) this.stmt.setMeta.run('checkpoint', String(position));
  }

  savePlaybook(digest: string, name: string, definition: PlaybookDefinition, file: string | undefined, now: number): void {
    this.tx.begin();
    this.stmt.savePlaybook.run(digest, name, JSON.stringify(definition), file ?? null, now);
  }

  playbookDefinition(digest: string): PlaybookDefinition | undefined {
    const row = this.stmt.playbook.get(digest) as { definition: string } | undefined;
    return row ? (JSON.parse(row.definition) as PlaybookDefinition) : undefined;
  }
}
