import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/shared/errors.js';
import { loadSpecFile } from '../../src/spec/index.js';
import { behaviours, withChildren, writeConfig } from './helpers.js';

const text = withChildren('    - id: gateway\n      behaviour: gateway\n      params: { port: 2113 }\n').replace('spec:\n', 'spec:\n  node: from-file\n  admin: { port: 7000 }\n');

describe('OVERSEER_* environment overrides', () => {
  it('precedence: flag > environment > file > default', async () => {
    const file = writeConfig(text);
    const env = { OVERSEER_NODE: 'from-env', OVERSEER_ADMIN_PORT: '7100', OVERSEER_ADMIN_HOST: '0.0.0.0', OVERSEER_GATEWAY_PORT: '3000', OVERSEER_DATA_DIR: '/tmp/env-data' };
    const fileOnly = (await loadSpecFile(file, { behaviours, env: {} })).spec;
    expect([fileOnly.node, fileOnly.admin.port, fileOnly.admin.host]).toEqual(['from-file', 7000, '127.0.0.1']);
    const fromEnv = (await loadSpecFile(file, { behaviours, env })).spec;
    expect([fromEnv.node, fromEnv.admin.port, fromEnv.admin.host, fromEnv.dataDir]).toEqual(['from-env', 7100, '0.0.0.0', '/tmp/env-data']);
    expect(fromEnv.root.children[0]).toMatchObject({ params: { port: 3000 } });
    const flags = (await loadSpecFile(file, { behaviours, env, overrides: { node: 'from-flag', adminPort: 0, gatewayPort: 4000 } })).spec;
    expect([flags.node, flags.admin.port]).toEqual(['from-flag', 0]);
    expect(flags.root.children[0]).toMatchObject({ params: { port: 4000 } });
  });

  it('a bad environment value is a problem named by the variable', async () => {
    const file = writeConfig(text);
    const error = await loadSpecFile(file, { behaviours, env: { OVERSEER_ADMIN_PORT: 'http' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map(formatProblem)).toEqual(['env: OVERSEER_ADMIN_PORT: invalid port "http"; expected an integer 0-65535']);
  });
});

describe('readiness.required defaults', () => {
  it('is true for the root\'s children and false deeper, unless the spec says so', async () => {
    const file = writeConfig(
      withChildren('    - id: a\n      behaviour: counter\n    - id: g\n      children:\n        - id: b\n          behaviour: counter\n        - id: c\n          behaviour: counter\n          readiness: { required: true }\n'),
    );
    const { spec } = await loadSpecFile(file, { behaviours, env: {} });
    const [a, g] = spec.root.children;
    expect(a!.readiness.required).toBe(true);
    expect(g!.readiness.required).toBe(true);
    const kids = g!.kind === 'supervisor' ? g!.children : [];
    expect(kids.map((k) => k.readiness.required)).toEqual([false, true]);
  });
});
