/**
 * Live reconfiguration (DESIGN §10): the pure planner and the types of system.apply().
 * The applying itself is System.apply; this is what the public API re-exports.
 */
export { planChanges, deepEqual, isParamsOnly, type PlanStep, type PlanOp, type SupervisorSettings } from './plan.js';
export { applyPlan, effectiveSpec, reconcile, type ApplyResult, type ApplyOptions, type ApplyHooks, type ApplyHost, type ApplySource } from './apply.js';
