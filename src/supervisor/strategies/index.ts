/** Strategy name → pure restart plan. */
import type { Strategy } from '../../spec/types.js';
import { planOneForAll } from './one-for-all.js';
import { planOneForOne } from './one-for-one.js';
import type { PlanRestart } from './plan.js';
import { planRestForOne } from './rest-for-one.js';

export type { PlanRestart, RestartPlan } from './plan.js';

export const STRATEGIES: { readonly [S in Strategy]: PlanRestart } = {
  one_for_one: planOneForOne,
  one_for_all: planOneForAll,
  rest_for_one: planRestForOne,
};
