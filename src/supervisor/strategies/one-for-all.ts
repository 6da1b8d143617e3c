/** one_for_all: every sibling is stopped (reverse start order) and all are started again. */
import type { PlanRestart } from './plan.js';

export const planOneForAll: PlanRestart = (children, failedId) => ({
  stop: children.filter((id) => id !== failedId).reverse(),
  start: [...children],
});
