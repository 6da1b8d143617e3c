/**
 * rest_for_one: the failed child and every child started after it are restarted; children
 * started before it are untouched (the later ones depend on the earlier ones).
 */
import type { PlanRestart } from './plan.js';

export const planRestForOne: PlanRestart = (children, failedId) => {
  const rest = children.slice(children.indexOf(failedId));
  return { stop: rest.slice(1).reverse(), start: rest };
};
