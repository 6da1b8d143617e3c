/**
 * startSystem(): the embedded entry point. Loads and validates the spec (file path or
 * object), registers behaviours (built-ins, the caller's, config `module:` references),
 * then starts the tree. Invalid config throws ConfigError before anything starts; a root
 * that gives up during the start rejects with RestartIntensityError (cause: the child's error).
 */
import type { AnyActorLogic } from 'xstate';
import { BehaviourRegistry } from '../actors/registry.js';
import { actorClock, systemClock, type Clock } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { dirname } from 'node:path';
import { isLoopbackHost } from '../admin/write/access.js';
import { ConfigError } from '../shared/errors.js';
import { LoadCache } from '../spec/load-cache.js';
import { loadSpecFile, loadSpecObject, loadSpecText, type LoadedSpec, type SpecOverrides, type SystemSpec } from '../spec/index.js';
import { builtinBehaviours, builtinParams, withControlPlane } from './builtins.js';
import { System, type DesiredSpec } from './system.js';
import type { Inspector } from '../supervisor/services.js';

export interface StartSystemOptions {
  /** A config file path (YAML or JSON), or an already-parsed spec object in the same shape. */
  spec: string | Record<string, unknown>;
  /** Behaviours the config may name, in addition to the built-ins. */
  behaviours?: Record<string, AnyActorLogic>;
  /** Admin endpoint: `{ port: 0 }` = any free port; `false` = no listener. */
  admin?: { host?: string; port?: number; token?: string } | false;
  /** pino logger; default: silent (embedders bring their own). */
  logger?: Logger;
  /** Injected time (tests); default: the real clock. */
  clock?: Clock;
  /**
   * An XState inspector (as `createActor(logic, { inspect })` takes) given to every actor of
   * the tree, e.g. `createBrowserInspector().inspect` from @statelyai/inspect, or a function.
   */
  inspect?: Inspector;
  /** Randomness for backoff jitter; default Math.random. */
  random?: () => number;
  /** Same meaning as the CLI flags; win over OVERSEER_* variables and the file. */
  overrides?: SpecOverrides;
  /** Environment for OVERSEER_* overrides; default process.env. */
  env?: Record<string, string | undefined>;
}

/**
 * Starts a supervision tree.
 * @example
 * const system = await startSystem({ spec: 'systems/default.yaml', behaviours: { counter } });
 * await system.ready({ timeoutMs: 5000 });
 * system.send('root/workers/counter', { type: 'inc' });
 * await system.stop();
 */
export async function startSystem(options: StartSystemOptions): Promise<System> {
  const registry = new BehaviourRegistry([...Object.entries(builtinBehaviours()), ...Object.entries(options.behaviours ?? {})]);
  const overrides: SpecOverrides = { ...options.overrides };
  if (options.admin === false) overrides.adminPort = false;
  else if (options.admin) {
    if (options.admin.port !== undefined) overrides.adminPort = options.admin.port;
    if (options.admin.host !== undefined) overrides.adminHost = options.admin.host;
    if (options.admin.token !== undefined) overrides.adminToken = options.admin.token;
  }
  const params = builtinParams(Object.keys(options.behaviours ?? {}));
  // One way to load, for the first spec and for every system.apply() after it (same registry, params, overrides, env).
  const cache = new LoadCache();
  const load = async (source: DesiredSpec, baseDir?: string): Promise<LoadedSpec & { changedLogic: ReadonlySet<string> }> => {
    const key = await cache.keyOf(source, baseDir, options.env ?? process.env);
    const same = cache.hit(key);
    if (same) return { ...same, changedLogic: new Set() };
    const loadOptions = { behaviours: registry.names(), params, overrides, env: options.env };
    const loaded =
      typeof source === 'string'
        ? await loadSpecFile(source, loadOptions)
        : isSpecText(source)
          ? await loadSpecText(source.text, source.file, baseDir ?? process.cwd(), loadOptions)
          : await loadSpecObject(source, loadOptions);
    const changedLogic = new Set<string>();
    for (const [name, logic] of loaded.modules) {
      if (registry.names().has(name) && registry.get(name) !== logic) changedLogic.add(name);
      registry.register(name, logic);
    }
    cache.remember(key, loaded);
    return { ...loaded, changedLogic };
  };
  const loaded = await load(options.spec);
  refuseExposedAdmin(loaded.spec);
  const system: System = new System({
    spec: withControlPlane(loaded.spec),
    registry,
    logger: options.logger ?? silentLogger(),
    clock: options.clock ?? systemClock,
    actorClock: options.clock ?? actorClock,
    ...(options.inspect ? { inspect: options.inspect } : {}),
    random: options.random ?? Math.random,
    params,
    // Text and objects given later resolve `module:` paths like the running file does.
    reload: async (source) => {
      const { spec, changedLogic } = await load(source, system.spec.source ? dirname(system.spec.source) : undefined);
      return { spec: withControlPlane(spec), changedLogic };
    },
  });
  await system.start();
  return system;
}

const isSpecText = (source: Exclude<DesiredSpec, string>): source is { text: string; file: string } =>
  typeof (source as { text?: unknown }).text === 'string' && typeof (source as { file?: unknown }).file === 'string' && Object.keys(source).length === 2;

/** DESIGN §11: an admin endpoint others can reach must not take writes without a token. */
function refuseExposedAdmin(spec: SystemSpec): void {
  const { host, port, token } = spec.admin;
  if (port === false || token !== undefined || isLoopbackHost(host)) return;
  throw new ConfigError([
    {
      file: spec.source ?? '<spec>',
      line: 0,
      col: 0,
      path: 'spec.admin.token',
      message: `the admin endpoint listens on ${host}, which is not a loopback address, and no admin token is set; set OVERSEER_ADMIN_TOKEN (or --admin-token, or spec.admin.token) or bind it to 127.0.0.1`,
    },
  ]);
}
