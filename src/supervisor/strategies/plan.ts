/**
 * The shape every restart strategy returns: which children to stop (in stop order, i.e.
 * reverse start order) and which to start again (in start order). Pure data, no actors.
 */

export interface RestartPlan {
  /** Ids to stop before restarting, already in the order to stop them. The failed child is not listed (it is dead). */
  readonly stop: readonly string[];
  /** Ids to start, in start order, the failed child included. */
  readonly start: readonly string[];
}

/** `children` are ids in start order; `failedId` is one of them. */
export type PlanRestart = (children: readonly string[], failedId: string) => RestartPlan;
