/**
 * Parsed config → SystemSpec: applies every default (including the ones that depend on
 * position: `readiness.required` is true only for the root's children; `shutdown` is 5000 ms
 * for workers and infinity for supervisors), resolves paths, applies overrides.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULTS, type BackoffSpec, type ChildSpec, type SystemSpec } from './types.js';
import type { SpecOverrides } from './env.js';
import { behaviourKey } from './modules.js';
import { resolveInput } from './links.js';
import type { RawChild, RawSystemFile } from './schema.js';

export function normalize(raw: RawSystemFile, baseDir: string, overrides: SpecOverrides, source?: string): SystemSpec {
  const s = raw.spec;
  const dataDir = overrides.dataDir !== undefined ? resolve(overrides.dataDir) : resolve(baseDir, s.dataDir ?? DEFAULTS.dataDir);
  const children = s.children.map((c) => child(c, 'root', baseDir, overrides));
  return {
    apiVersion: 'overseer/v1',
    name: raw.metadata.name,
    node: overrides.node ?? s.node ?? hostname(),
    admin: {
      host: overrides.adminHost ?? s.admin?.host ?? DEFAULTS.admin.host,
      port: overrides.adminPort ?? s.admin?.port ?? DEFAULTS.admin.port,
      ...((overrides.adminToken ?? s.admin?.token) !== undefined ? { token: overrides.adminToken ?? s.admin?.token } : {}),
      allowedHosts: Object.freeze([...(s.admin?.allowedHosts ?? [])]),
    },
    dataDir,
    stopTimeoutMs: s.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs,
    drainMs: s.drainMs ?? DEFAULTS.drainMs,
    root: {
      kind: 'supervisor',
      id: 'root',
      strategy: s.strategy ?? 'one_for_one',
      start: s.start ?? 'parallel',
      intensity: { ...DEFAULTS.intensity, ...s.intensity },
      ...(s.backoff ? { backoff: backoffOf(s.backoff) } : {}),
      restart: 'permanent',
      shutdown: 'infinity',
      readiness: { mode: 'auto', required: false, timeoutMs: DEFAULTS.readinessTimeoutMs },
      significant: false,
      autoShutdown: 'never',
      children,
    },
    ...(source ? { source } : {}),
  };
}

/** `parent` is the parent's path (`root` for the root's children). */
function child(c: RawChild, parent: string, baseDir: string, overrides: SpecOverrides): ChildSpec {
  const readiness = {
    mode: c.readiness?.mode ?? 'auto',
    // A cluster singleton runs on one node: the others must not wait for it to be ready.
    required: c.readiness?.required ?? (parent === 'root' && c.placement !== 'leader'),
    timeoutMs: c.readiness?.timeoutMs ?? DEFAULTS.readinessTimeoutMs,
  };
  const common = {
    id: c.id,
    restart: c.restart ?? 'permanent',
    readiness,
    significant: c.significant ?? false,
    ...(c.placement ? { placement: c.placement } : {}),
    ...(c.backoff ? { backoff: backoffOf(c.backoff) } : {}),
  };
  if (c.children !== undefined) {
    return {
      ...common,
      kind: 'supervisor',
      strategy: c.strategy ?? 'one_for_one',
      start: c.start ?? 'sequential',
      intensity: { ...DEFAULTS.intensity, ...c.intensity },
      autoShutdown: c.autoShutdown ?? 'never',
      shutdown: c.shutdown ?? 'infinity',
      children: c.children.map((k) => child(k, `${parent}/${c.id}`, baseDir, overrides)),
    };
  }
  const behaviour = c.module !== undefined ? behaviourKey(baseDir, c.module) : c.behaviour!;
  let params = c.params ?? {};
  if (behaviour === 'gateway' && overrides.gatewayPort !== undefined) params = { ...params, port: overrides.gatewayPort };
  return {
    ...common,
    kind: 'worker',
    behaviour,
    params,
    shutdown: c.shutdown ?? DEFAULTS.behaviourShutdownMs[behaviour] ?? DEFAULTS.workerShutdownMs,
    mailbox: { capacity: c.mailbox?.capacity ?? DEFAULTS.mailbox.capacity, overflow: c.mailbox?.overflow ?? DEFAULTS.mailbox.overflow },
    inputs: (c.inputs ?? []).map((ref) => resolveInput(parent, ref)),
  };
}

function backoffOf(b: NonNullable<RawChild['backoff']>): BackoffSpec {
  return { ...DEFAULTS.backoff, ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) };
}

/**
 * Recursively freezes the spec so nothing downstream can change it. `params` objects are
 * frozen themselves but not what they hold: embedders may pass live objects as input.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const [key, v] of Object.entries(value as object)) {
      if (key === 'params' && v && typeof v === 'object') Object.freeze(v);
      else deepFreeze(v);
    }
  }
  return value;
}
