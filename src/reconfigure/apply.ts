/**
 * The effectful half of live reconfiguration (DESIGN §10): runs planChanges' steps, in plan
 * order, each through the operation queue of the supervisor that owns the child, then hands
 * every supervisor of the desired tree its new spec (so later restarts rebuild the new tree).
 */
import type { ChildSpec, SupervisorSpec, SystemSpec } from '../spec/types.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { deepEqual, isParamsOnly, planChanges, type PlanStep } from './plan.js';

export type ApplySource = 'file' | 'api' | 'embedded';

export interface ApplyOptions {
  /** Who asked, for the `config_applied` / `config_rejected` events; default `embedded`. */
  source?: ApplySource;
}

/** What apply() did, as actor paths. */
export interface ApplyResult {
  added: string[];
  removed: string[];
  /** Children stopped and started again with their new spec (a supervisor with its subtree). */
  restarted: string[];
  /** Workers whose params changed and were updated without a restart (see ApplyHooks). */
  updatedLive: string[];
  /** Workers of the desired tree left running untouched: same instance as before. */
  unchanged: string[];
  /** Supervisors whose strategy, start, intensity or backoff changed in place. */
  updatedSettings: string[];
  /**
   * Top-level settings of the desired spec that differ from the running system's and were
   * not applied (`name`, `node`, `admin`, `dataDir`): they need a process restart.
   */
  notApplied: string[];
}

/** Extension points; another part of the runtime (params updates) may take over a step. */
export interface ApplyHooks {
  /**
   * A worker whose only change is `params`: resolve true when it was updated live (it keeps
   * running), false to restart it with the new spec. Default: restart.
   */
  paramsChanged?(step: Extract<PlanStep, { op: 'restart' }>): Promise<boolean>;
}

/** What apply needs of the running system. */
export interface ApplyHost {
  supervisorAt(path: string): Supervisor | undefined;
  readonly logger: Logger;
}

/** Top-level settings only a process restart changes: read once at start by the bus, control plane, journal. */
const FIXED_SETTINGS = ['name', 'node', 'admin', 'dataDir'] as const;

/** The spec the system runs after applying `desired` over `running`: fixed settings stay. */
export function effectiveSpec(running: SystemSpec, desired: SystemSpec): { spec: SystemSpec; notApplied: string[] } {
  const notApplied = FIXED_SETTINGS.filter((k) => !deepEqual(running[k], desired[k]));
  const spec: SystemSpec = Object.freeze({
    ...desired,
    name: running.name,
    node: running.node,
    admin: running.admin,
    dataDir: running.dataDir,
  });
  return { spec, notApplied };
}

/** Runs `plan` (from planChanges(running.root, desired.root)) against the live tree. */
export async function applyPlan(host: ApplyHost, plan: readonly PlanStep[], desired: SupervisorSpec, hooks: ApplyHooks = {}): Promise<Omit<ApplyResult, 'notApplied'>> {
  const result: Omit<ApplyResult, 'notApplied'> = { added: [], removed: [], restarted: [], updatedLive: [], unchanged: [], updatedSettings: [] };
  const desiredAt = indexSupervisors(desired);
  for (const step of plan) {
    const supervisor = host.supervisorAt(step.supervisor);
    if (!supervisor) {
      // Its parent was restarted or removed by an earlier step of this plan: nothing left to do here.
      host.logger.warn({ step: step.op, path: step.path }, 'reconfigure: supervisor gone, step skipped');
      continue;
    }
    switch (step.op) {
      case 'remove':
        host.logger.info({ path: step.path }, 'reconfigure: removing child');
        await supervisor.removeChild(step.id);
        result.removed.push(step.path);
        break;
      case 'restart':
        if (isParamsOnly(step) && hooks.paramsChanged && (await hooks.paramsChanged(step))) {
          host.logger.info({ path: step.path }, 'reconfigure: params updated live');
          result.updatedLive.push(step.path);
          break;
        }
        host.logger.info({ path: step.path, fields: step.fields }, 'reconfigure: restarting child with its new spec');
        await supervisor.replaceChild(step.spec);
        result.restarted.push(step.path);
        break;
      case 'add': {
        const siblings = desiredAt.get(step.supervisor)!.children;
        host.logger.info({ path: step.path, index: step.index }, 'reconfigure: adding child');
        await supervisor.insertChild(step.spec, siblings.slice(0, step.index).map((c) => c.id));
        result.added.push(step.path);
        break;
      }
      case 'reorder':
        host.logger.info({ path: step.path, order: step.order }, 'reconfigure: reordering children');
        await supervisor.reorderChildren(step.order);
        break;
      case 'update_settings':
        host.logger.info({ path: step.path, changed: step.changed }, 'reconfigure: supervisor settings changed in place');
        await supervisor.adoptSpec(desiredAt.get(step.path)!);
        result.updatedSettings.push(step.path);
        break;
    }
  }
  // Every supervisor kept in place takes its desired spec: its children list changed, or only
  // parts of its subtree did; a later restart of it must rebuild the desired tree.
  for (const [path, spec] of desiredAt) {
    const supervisor = host.supervisorAt(path);
    if (supervisor && supervisor.spec !== spec) await supervisor.adoptSpec(spec);
  }
  const touched = new Set([...result.added, ...result.restarted, ...result.updatedLive]);
  result.unchanged = workerPaths(desired, 'root').filter((p) => ![...touched].some((t) => p === t || p.startsWith(`${t}/`)));
  return result;
}

/** Plans and applies in one go (what System.apply runs once the desired spec is valid). */
export async function reconcile(
  host: ApplyHost,
  running: SystemSpec,
  desired: SystemSpec,
  hooks?: ApplyHooks,
  changedLogic?: ReadonlySet<string>,
): Promise<{ plan: PlanStep[]; result: ApplyResult; spec: SystemSpec }> {
  const { spec, notApplied } = effectiveSpec(running, desired);
  const plan = planChanges(running.root, spec.root, 'root', changedLogic);
  for (const setting of notApplied) host.logger.warn({ setting }, 'reconfigure: top-level setting changed; it applies at the next process start');
  const result = await applyPlan(host, plan, spec.root, hooks);
  return { plan, result: { ...result, notApplied }, spec };
}

function indexSupervisors(root: SupervisorSpec, path = 'root', out = new Map<string, SupervisorSpec>()): Map<string, SupervisorSpec> {
  out.set(path, root);
  for (const child of root.children) if (child.kind === 'supervisor') indexSupervisors(child, `${path}/${child.id}`, out);
  return out;
}

function workerPaths(spec: ChildSpec, path: string): string[] {
  return spec.kind === 'worker' ? [path] : spec.children.flatMap((c) => workerPaths(c, `${path}/${c.id}`));
}
