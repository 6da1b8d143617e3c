/**
 * The durable task queue (SQS/Temporal semantics): a task is leased to one worker at a time
 * for `leaseMs` (a token proves the holder), extended by heartbeats, deleted on completion.
 * A lease that runs out (the worker died, or stopped heartbeating) puts the task back with a
 * backoff; past `maxDeliveries` it goes to the dead letters instead. Leases of an earlier
 * process are released when the queue opens: their workers are gone. Time is injected.
 */
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { TaskSpec } from '../broker/decide.js';
import { deferredCommit, type DeferredCommit } from './database.js';

/** One id per process: leases carry it, so a restarted process knows which leases died with the last one. */
export const PROCESS_ID = newId();

export interface QueueOptions {
  readonly leaseMs: number;
  readonly maxDeliveries: number;
  readonly redelivery: { readonly initialMs: number; readonly factor: number; readonly maxMs: number };
  readonly clock: Clock;
  readonly processId?: string;
}

export interface Lease {
  readonly task: TaskSpec;
  readonly token: string;
  readonly leaseUntil: number;
  /** How many times it has been handed out, this one included. */
  readonly deliveries: number;
}

export interface DeadTask {
  readonly task: TaskSpec;
  readonly deliveries: number;
  readonly error: string;
}

export interface QueueCounts {
  readonly ready: number;
  readonly delayed: number;
  readonly leased: number;
  readonly dead: number;
}

interface Row {
  id: string;
  payload: string;
  deliveries: number;
}

export class TaskQueue {
  private readonly clock: Clock;
  private readonly owner: string;
  private readonly tx: DeferredCommit;
  private readonly stmt: Record<
    'insert' | 'take' | 'heartbeat' | 'complete' | 'release' | 'expired' | 'requeue' | 'bury' | 'foreign' | 'drop' | 'remove' | 'nextReady' | 'nextLease' | 'counts' | 'dead',
    Statement
  >;
  private readonly expireTx: () => { redelivered: number; dead: DeadTask[] };

  constructor(
    db: Db,
    private readonly options: QueueOptions,
  ) {
    this.clock = options.clock;
    this.owner = options.processId ?? PROCESS_ID;
    this.tx = deferredCommit(db);
    this.stmt = {
      insert: db.prepare("INSERT OR IGNORE INTO tasks (id, execution, payload, state, available_at) VALUES (?, ?, ?, 'ready', ?)"),
      // One statement per lease: the next due task, taken and returned.
      take: db.prepare(
        "UPDATE tasks SET state = 'leased', token = ?, owner = ?, worker = ?, lease_until = ?, deliveries = deliveries + 1 WHERE rowid = (SELECT rowid FROM tasks WHERE state = 'ready' AND available_at <= ? ORDER BY available_at, rowid LIMIT 1) RETURNING payload, deliveries",
      ),
      heartbeat: db.prepare("UPDATE tasks SET lease_until = ? WHERE id = ? AND token = ? AND state = 'leased'"),
      complete: db.prepare("DELETE FROM tasks WHERE id = ? AND token = ? AND state = 'leased' RETURNING payload"),
      release: db.prepare("UPDATE tasks SET state = 'ready', token = NULL, owner = NULL, worker = NULL, lease_until = NULL, available_at = ? WHERE id = ? AND token = ? AND state = 'leased'"),
      expired: db.prepare("SELECT id, payload, deliveries FROM tasks WHERE state = 'leased' AND lease_until <= ?"),
      requeue: db.prepare("UPDATE tasks SET state = 'ready', token = NULL, owner = NULL, worker = NULL, lease_until = NULL, available_at = ?, last_error = ? WHERE id = ?"),
      bury: db.prepare("UPDATE tasks SET state = 'dead', token = NULL, owner = NULL, lease_until = NULL, last_error = ? WHERE id = ?"),
      foreign: db.prepare("UPDATE tasks SET state = 'ready', token = NULL, owner = NULL, worker = NULL, lease_until = NULL, available_at = ?, last_error = 'the process holding the lease ended' WHERE state = 'leased' AND owner <> ?"),
      drop: db.prepare("DELETE FROM tasks WHERE execution = ? AND state <> 'dead'"),
      remove: db.prepare('DELETE FROM tasks WHERE id = ?'),
      nextReady: db.prepare("SELECT MIN(available_at) AS t FROM tasks WHERE state = 'ready' AND available_at > ?"),
      nextLease: db.prepare("SELECT MIN(lease_until) AS t FROM tasks WHERE state = 'leased'"),
      counts: db.prepare(
        "SELECT SUM(state = 'ready' AND available_at <= ?) AS ready, SUM(state = 'ready' AND available_at > ?) AS delayed, SUM(state = 'leased') AS leased, SUM(state = 'dead') AS dead FROM tasks",
      ),
      dead: db.prepare("SELECT payload, deliveries, last_error FROM tasks WHERE state = 'dead' ORDER BY rowid LIMIT ?"),
    };
    this.expireTx = db.transaction(() => {
      const now = this.clock.now();
      const dead: DeadTask[] = [];
      let redelivered = 0;
      for (const row of this.stmt.expired.all(now) as Row[]) {
        if (row.deliveries >= this.options.maxDeliveries) {
          const error = `dead letter: its lease ran out ${row.deliveries} times (the worker died, or the handler ran past leaseMs ${this.options.leaseMs} without ctx.heartbeat())`;
          this.stmt.bury.run(error, row.id);
          dead.push({ task: JSON.parse(row.payload) as TaskSpec, deliveries: row.deliveries, error });
        } else {
          this.stmt.requeue.run(now + this.redeliveryDelay(row.deliveries), `lease ran out after delivery ${row.deliveries}`, row.id);
          redelivered += 1;
        }
      }
      return { redelivered, dead };
    });
  }

  /** The delay before delivery n + 1 of a task whose n-th lease ran out. */
  redeliveryDelay(deliveries: number): number {
    const { initialMs, factor, maxMs } = this.options.redelivery;
    return Math.min(maxMs, Math.round(initialMs * factor ** (deliveries - 1)));
  }

  /** Queues a task (available after its delayMs); false when a task with its id is already queued. */
  enqueue(task: TaskSpec): boolean {
    this.tx.begin();
    return this.stmt.insert.run(task.id, task.execution, JSON.stringify(task), this.clock.now() + task.delayMs).changes === 1;
  }

  /** Up to `max` tasks that are due, leased to `worker` for leaseMs. */
  lease(worker: string, max = 1): Lease[] {
    this.tx.begin();
    const now = this.clock.now();
    const leaseUntil = now + this.options.leaseMs;
    const out: Lease[] = [];
    while (out.length < max) {
      const token = newId();
      const row = this.stmt.take.get(token, this.owner, worker, leaseUntil, now) as { payload: string; deliveries: number } | undefined;
      if (!row) break;
      out.push({ task: JSON.parse(row.payload) as TaskSpec, token, leaseUntil, deliveries: row.deliveries });
    }
    return out;
  }

  /** Extends a lease by leaseMs from now; undefined when the token no longer holds it. */
  heartbeat(id: string, token: string): number | undefined {
    this.tx.begin();
    const until = this.clock.now() + this.options.leaseMs;
    return this.stmt.heartbeat.run(until, id, token).changes === 1 ? until : undefined;
  }

  /** The task is done: removed, if `token` still holds its lease; undefined when it does not (another worker has it, or it was dropped). */
  complete(id: string, token: string): TaskSpec | undefined {
    this.tx.begin();
    const row = this.stmt.complete.get(id, token) as { payload: string } | undefined;
    return row ? (JSON.parse(row.payload) as TaskSpec) : undefined;
  }

  /** Hands a leased task back at once (a stopping worker), without waiting for the lease to run out. */
  release(id: string, token: string): boolean {
    this.tx.begin();
    return this.stmt.release.run(this.clock.now(), id, token).changes === 1;
  }

  /** Leases past their deadline: back to ready with a backoff, or to the dead letters. */
  expire(): { redelivered: number; dead: DeadTask[] } {
    this.tx.begin();
    return this.expireTx();
  }

  /** At open: leases held by another (an ended) process become ready now. */
  releaseForeign(): number {
    this.tx.begin();
    return this.stmt.foreign.run(this.clock.now(), this.owner).changes;
  }

  /** An execution ended: its tasks that wait or run are dropped (dead letters stay, for inspection). */
  dropExecution(execution: string): number {
    this.tx.begin();
    return this.stmt.drop.run(execution).changes;
  }

  remove(id: string): void {
    this.tx.begin();
    this.stmt.remove.run(id);
  }

  /** When the next delayed task becomes due or the next lease runs out, whichever is first (tasks due now wait for a worker to ask). */
  nextWakeAt(): number | undefined {
    const ready = (this.stmt.nextReady.get(this.clock.now()) as { t: number | null }).t;
    const lease = (this.stmt.nextLease.get() as { t: number | null }).t;
    const times = [ready, lease].filter((t): t is number => t !== null);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  counts(): QueueCounts {
    const now = this.clock.now();
    const c = this.stmt.counts.get(now, now) as Record<keyof QueueCounts, number | null>;
    return { ready: c.ready ?? 0, delayed: c.delayed ?? 0, leased: c.leased ?? 0, dead: c.dead ?? 0 };
  }

  deadLetters(limit = 100): DeadTask[] {
    return (this.stmt.dead.all(limit) as { payload: string; deliveries: number; last_error: string }[]).map((r) => ({ task: JSON.parse(r.payload) as TaskSpec, deliveries: r.deliveries, error: r.last_error }));
  }
}
