/** one_for_one: only the failed child is restarted; its siblings are untouched. */
import type { PlanRestart } from './plan.js';

export const planOneForOne: PlanRestart = (_children, failedId) => ({ stop: [], start: [failedId] });
