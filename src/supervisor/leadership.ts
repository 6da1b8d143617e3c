/**
 * Whether this node leads its cluster now, per running system: the cluster actor sets it,
 * supervisors read it so a `placement: leader` child runs only on the leader (DESIGN §14).
 * Not leader until a cluster actor says otherwise, so a singleton never starts by default.
 */

export interface LeadershipState {
  /** This node may run cluster singletons now. */
  readonly leader: boolean;
  /** The term it leads in (the fencing token); 0 when it does not lead. */
  readonly term: number;
}

type Listener = (state: LeadershipState) => void;

const FOLLOWER: LeadershipState = Object.freeze({ leader: false, term: 0 });

export class Leadership {
  private state: LeadershipState = FOLLOWER;
  private readonly listeners = new Set<Listener>();

  get current(): LeadershipState {
    return this.state;
  }

  /** Changes the state and tells every listener (a throwing one does not stop the others). */
  set(next: LeadershipState): void {
    const state = next.leader ? Object.freeze({ leader: true, term: next.term }) : FOLLOWER;
    if (state.leader === this.state.leader && state.term === this.state.term) return;
    this.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch {
        // isolated: a supervisor's bug must not keep the others from stepping down
      }
    }
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const byScope = new WeakMap<object, Leadership>();

/**
 * The leadership of `scope` (the running system), created on first use.
 * @example leadershipOf(rt.system).set({ leader: true, term: 7 });
 */
export function leadershipOf(scope: object): Leadership {
  let leadership = byScope.get(scope);
  if (!leadership) byScope.set(scope, (leadership = new Leadership()));
  return leadership;
}
