/**
 * Membership and leader election on PostgreSQL (DESIGN §14), driven by one dedicated session:
 * every `heartbeatMs` it renews this node's row in `members`, reads who else is alive (a row
 * renewed within `ttlMs`), and either renews the leader's lease or tries for the leadership
 * with `pg_try_advisory_lock`. The lock lives as long as the session; the term lives in the
 * `leader` table and only grows, so it fences: whoever holds the lock bumps it once per election.
 *
 * Safety of singletons. The server drops the session of a leader that goes silent for ttlMs
 * (`idle_session_timeout`), releasing its lock. The leader itself steps down (closing the
 * session, hence the lock) when the session fails, or when no renewal succeeded within
 * ttlMs / 2 of being sent. A new leader announces itself at once but starts singletons only
 * once the previous leader's lease (its last renewal + ttlMs, on the server's clock) has run
 * out, so the old one has stopped its singletons first (it has ttlMs / 2 to do so).
 */
import pg from 'pg';
import { hash32, LOCK_CLASS, pgClientConfig, quoteIdent, type PgTarget } from '../postgres/connection.js';
import { migrate } from '../postgres/migrations.js';
import type { MembershipView } from './membership.js';

export interface ClusterEvents {
  joined(node: string): void;
  left(node: string, reason: 'shutdown' | 'timeout' | 'restarted'): void;
  formed(members: string[]): void;
  elected(leader: string, term: number): void;
  /** This node may (true) or must no longer (false) run singletons. */
  leading(leader: boolean, term: number): void;
  /** The session is up (true) or lost, with why (false): readiness. */
  connected(up: boolean, reason?: string): void;
}

export interface PgClusterOptions {
  readonly target: PgTarget;
  readonly node: string;
  /** This incarnation (a restarted node has a new one). */
  readonly instance: string;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  readonly events: ClusterEvents;
  readonly logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

interface Lead {
  readonly term: number;
  /** performance.now() until which this node may consider itself leader without a newer renewal. */
  validUntil: number;
  /** Singletons may run (the previous leader's lease is over). */
  active: boolean;
}

export class PgCluster {
  private session: pg.Client | undefined;
  private alive = new Map<string, string>();
  private formed = false;
  private seen: { node: string; term: number } | undefined;
  private lastElected = 0;
  private lead: Lead | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fence: ReturnType<typeof setTimeout> | undefined;
  private lease: ReturnType<typeof setTimeout> | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private outage: string | undefined;
  private readonly s: string;
  private readonly lockKey: [number, number];

  constructor(private readonly o: PgClusterOptions) {
    this.s = quoteIdent(o.target.schema);
    this.lockKey = [LOCK_CLASS.leader, hash32(o.target.schema)];
  }

  start(): void {
    this.schedule(0);
  }

  view(): MembershipView {
    const leader = this.lead ? this.o.node : this.seen?.node;
    return { members: [...this.alive.keys()].sort(), leader, term: this.lead?.term ?? this.seen?.term ?? 0 };
  }

  /** Leaves: steps down, deletes this node's row (others see `node_left` shutdown), closes the session (releasing the lock). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.ticking;
    this.stepDown('shutdown');
    const session = this.session;
    this.session = undefined;
    if (session === undefined) return;
    try {
      await session.query(`DELETE FROM ${this.s}.members WHERE node = $1 AND instance = $2`, [this.o.node, this.o.instance]);
    } catch {
      // the row expires by itself after ttlMs
    } finally {
      await session.end().catch(() => undefined);
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(this.o.heartbeatMs);
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      const session = this.session ?? (await this.connect());
      await this.heartbeat(session);
      await this.observe(session);
      if (this.lead) await this.renew(session);
      else await this.tryLead(session);
    } catch (error) {
      this.lost(error);
    }
  }

  private async connect(): Promise<pg.Client> {
    // A query that hangs counts as a lost session well before the lease would.
    const client = new pg.Client({ ...pgClientConfig(this.o.target, `overseer ${this.o.node} cluster`), query_timeout: Math.max(this.o.heartbeatMs, Math.floor(this.o.ttlMs / 3)) });
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(new Error('the cluster session ended'), client));
    try {
      await client.connect();
      // The server ends the session (and frees the lock) of a node that stops heartbeating (PostgreSQL 14+; older servers lack it: the lease alone then).
      await client.query(`SET idle_session_timeout = ${this.o.ttlMs}`).catch((error: { code?: string }) => {
        if (error.code !== '42704') throw error; // 42704: unrecognized configuration parameter
      });
      await migrate(client, this.o.target.schema);
      await client.query(
        `INSERT INTO ${this.s}.members (node, instance) VALUES ($1, $2)
         ON CONFLICT (node) DO UPDATE SET instance = excluded.instance, joined_at = now(), heartbeat_at = now()`,
        [this.o.node, this.o.instance],
      );
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    this.session = client;
    if (this.outage !== undefined) this.o.logger.info({ was: this.outage }, 'cluster session back');
    this.outage = undefined;
    this.o.events.connected(true);
    return client;
  }

  private async heartbeat(session: pg.Client): Promise<void> {
    const updated = await session.query(`UPDATE ${this.s}.members SET heartbeat_at = now(), instance = $2 WHERE node = $1`, [this.o.node, this.o.instance]);
    if (updated.rowCount === 0) await session.query(`INSERT INTO ${this.s}.members (node, instance) VALUES ($1, $2) ON CONFLICT (node) DO NOTHING`, [this.o.node, this.o.instance]);
  }

  /** Reads the members and the leader row; publishes what changed since the last look. */
  private async observe(session: pg.Client): Promise<void> {
    const ttl = this.o.ttlMs / 1000;
    const rows = (await session.query<{ node: string; instance: string; alive: boolean }>(`SELECT node, instance, heartbeat_at > now() - make_interval(secs => $1) AS alive FROM ${this.s}.members`, [ttl])).rows;
    const next = new Map(rows.filter((r) => r.alive).map((r) => [r.node, r.instance]));
    for (const [node, instance] of this.alive) {
      const now = next.get(node);
      if (now === instance) continue;
      this.o.events.left(node, now !== undefined ? 'restarted' : rows.some((r) => r.node === node) ? 'timeout' : 'shutdown');
    }
    for (const [node, instance] of next) if (this.alive.get(node) !== instance) this.o.events.joined(node);
    this.alive = next;
    if (!this.formed) {
      this.formed = true;
      this.o.events.formed([...next.keys()].sort());
    }
    const leader = (await session.query<{ term: number; node: string; fresh: boolean }>(`SELECT term, node, renewed_at > now() - make_interval(secs => $1) AS fresh FROM ${this.s}.leader`, [ttl])).rows[0];
    this.seen = leader?.fresh ? { node: leader.node, term: leader.term } : undefined;
    if (this.seen) this.announce(this.seen.node, this.seen.term);
  }

  private announce(leader: string, term: number): void {
    if (term <= this.lastElected) return;
    this.lastElected = term;
    this.o.events.elected(leader, term);
  }

  private async tryLead(session: pg.Client): Promise<void> {
    const sent = performance.now();
    const got = (await session.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS got', this.lockKey)).rows[0]!.got;
    if (!got) return;
    // Holding the lock: nobody else writes this row. fence_ms: how long the previous lease still runs.
    const row = (
      await session.query<{ term: number; fence_ms: number | null }>(
        `WITH prev AS (SELECT term, renewed_at FROM ${this.s}.leader)
         INSERT INTO ${this.s}.leader (only_row, term, node, instance, renewed_at) VALUES (true, coalesce((SELECT term FROM prev), 0) + 1, $1, $2, now())
         ON CONFLICT (only_row) DO UPDATE SET term = ${this.s}.leader.term + 1, node = excluded.node, instance = excluded.instance, renewed_at = excluded.renewed_at
         RETURNING term, greatest(0, ceil(extract(epoch FROM (SELECT renewed_at FROM prev) + make_interval(secs => $3) - now()) * 1000))::int AS fence_ms`,
        [this.o.node, this.o.instance, this.o.ttlMs / 1000],
      )
    ).rows[0]!;
    const lead: Lead = { term: row.term, validUntil: sent + this.o.ttlMs / 2, active: false };
    this.lead = lead;
    this.armLease();
    this.o.logger.info({ term: lead.term, singletonsInMs: row.fence_ms ?? 0 }, 'elected leader');
    this.announce(this.o.node, lead.term);
    this.fence = setTimeout(() => {
      if (this.lead !== lead) return;
      lead.active = true;
      this.o.events.leading(true, lead.term);
    }, row.fence_ms ?? 0);
  }

  private async renew(session: pg.Client): Promise<void> {
    const lead = this.lead!;
    const sent = performance.now();
    const renewed = await session.query(`UPDATE ${this.s}.leader SET renewed_at = now() WHERE term = $1 AND instance = $2`, [lead.term, this.o.instance]);
    if (this.lead !== lead) return;
    if (renewed.rowCount === 0) return this.lost(new Error(`term ${lead.term} was superseded`));
    lead.validUntil = sent + this.o.ttlMs / 2;
    this.armLease();
  }

  private armLease(): void {
    if (this.lease !== undefined) clearTimeout(this.lease);
    const lead = this.lead;
    if (lead === undefined) return;
    this.lease = setTimeout(() => {
      if (this.lead === lead) this.lost(new Error(`no lease renewal succeeded within ${this.o.ttlMs / 2} ms`));
    }, Math.max(0, lead.validUntil - performance.now()));
  }

  /** The session failed (or `client` did, if it is still the session): step down, close it, connect again on the next tick. */
  private lost(error: unknown, client?: pg.Client): void {
    if (client !== undefined && client !== this.session) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.stepDown(reason);
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) {
      session.removeAllListeners('end');
      void session.end().catch(() => undefined);
    }
    if (this.stopped) return;
    if (this.outage === undefined) this.o.logger.warn({ reason }, 'cluster session lost: reconnecting');
    this.outage = reason;
    this.o.events.connected(false, `cluster session: ${reason}`);
  }

  private stepDown(reason: string): void {
    const lead = this.lead;
    if (lead === undefined) return;
    this.lead = undefined;
    if (this.fence !== undefined) clearTimeout(this.fence);
    if (this.lease !== undefined) clearTimeout(this.lease);
    this.o.logger.warn({ term: lead.term, reason }, 'stepping down as leader');
    this.o.events.leading(false, lead.term);
  }
}
