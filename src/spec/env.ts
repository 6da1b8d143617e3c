/**
 * OVERSEER_* environment overrides. Precedence: CLI flags / embedded options > environment
 * > config file > defaults. A bad value is a problem of the file `env`, named by variable.
 */
import type { ConfigProblem } from '../shared/errors.js';

export interface SpecOverrides {
  node?: string;
  adminHost?: string;
  adminPort?: number | false;
  adminToken?: string;
  dataDir?: string;
  gatewayPort?: number;
}

const PORT = /^\d+$/;
export const MIN_TOKEN_LENGTH = 16;

/** Reads OVERSEER_* variables, then lays `explicit` (flags) over them. */
export function mergeOverrides(env: Record<string, string | undefined>, explicit: SpecOverrides = {}): { overrides: SpecOverrides; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const fromEnv: SpecOverrides = {};
  const port = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!PORT.test(raw) || Number(raw) > 65535) {
      problems.push({ file: 'env', line: 0, col: 0, path: name, message: `invalid port ${JSON.stringify(raw)}; expected an integer 0-65535` });
      return undefined;
    }
    return Number(raw);
  };
  if (env.OVERSEER_NODE) fromEnv.node = env.OVERSEER_NODE;
  if (env.OVERSEER_ADMIN_HOST) fromEnv.adminHost = env.OVERSEER_ADMIN_HOST;
  if (env.OVERSEER_DATA_DIR) fromEnv.dataDir = env.OVERSEER_DATA_DIR;
  if (env.OVERSEER_ADMIN_TOKEN) fromEnv.adminToken = env.OVERSEER_ADMIN_TOKEN;
  const adminPort = port('OVERSEER_ADMIN_PORT');
  if (adminPort !== undefined) fromEnv.adminPort = adminPort;
  const gatewayPort = port('OVERSEER_GATEWAY_PORT');
  if (gatewayPort !== undefined) fromEnv.gatewayPort = gatewayPort;
  const defined = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined)) as SpecOverrides;
  const overrides = { ...fromEnv, ...defined };
  // The same rule as spec.admin.token: a short token is a guessable one.
  if (overrides.adminToken !== undefined && overrides.adminToken.length < MIN_TOKEN_LENGTH) {
    const name = defined.adminToken !== undefined ? '--admin-token' : 'OVERSEER_ADMIN_TOKEN';
    problems.push({ file: 'env', line: 0, col: 0, path: name, message: `the admin token is ${overrides.adminToken.length} characters; at least ${MIN_TOKEN_LENGTH} are required` });
    delete overrides.adminToken;
  }
  return { overrides, problems };
}
