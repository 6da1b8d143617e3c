/**
 * Cluster membership behind one interface: who is in the cluster and who leads, by term.
 * LocalMembership is the single-node implementation; a PostgreSQL-backed one (nodes
 * heartbeating rows, leader by advisory lock) can replace it without the cluster actor or
 * anyone else changing.
 */

export interface MembershipView {
  readonly members: readonly string[];
  readonly leader: string | undefined;
  readonly term: number;
}

export interface Membership {
  /** Joins `node`; returns the view after joining. */
  join(node: string): MembershipView;
  /** Leaves the cluster (shutdown or failure). */
  leave(node: string): MembershipView;
  view(): MembershipView;
}

/**
 * One node, always its own leader. Each election takes the next term from `nextTerm`; the
 * default counts from 1 in this instance, the cluster actor passes a counter that outlives it.
 */
export class LocalMembership implements Membership {
  private members: string[] = [];
  private leader: string | undefined;
  private term = 0;
  private readonly nextTerm: () => number;

  constructor(nextTerm?: () => number) {
    this.nextTerm = nextTerm ?? (() => this.term + 1);
  }

  join(node: string): MembershipView {
    if (!this.members.includes(node)) this.members.push(node);
    if (this.leader === undefined) {
      this.leader = node;
      this.term = this.nextTerm();
    }
    return this.view();
  }

  leave(node: string): MembershipView {
    this.members = this.members.filter((m) => m !== node);
    if (this.leader === node) this.leader = undefined;
    return this.view();
  }

  view(): MembershipView {
    return { members: [...this.members], leader: this.leader, term: this.term };
  }
}
