/**
 * Validates a child spec given at run time (`system.startChild`) with the same rules and
 * defaults as a config file, by wrapping it in a one-child system document. Problems name
 * the child's own fields (`behaviour`, not `spec.children[0].behaviour`).
 */
import type { z } from 'zod';
import type { BehaviourRegistry } from '../actors/registry.js';
import { ConfigError } from '../shared/errors.js';
import { loadSpecObject } from '../spec/index.js';
import type { ChildSpec } from '../spec/types.js';

const PREFIX = 'spec.children[0]';

export async function validateChildSpec(raw: unknown, parentIsRoot: boolean, registry: BehaviourRegistry, params?: ReadonlyMap<string, z.ZodType>): Promise<ChildSpec> {
  const doc = { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'start-child' }, spec: { children: [raw] } };
  let loaded;
  try {
    loaded = await loadSpecObject(doc, { behaviours: registry.names(), params, env: {}, file: '<startChild>' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map((p) => ({ ...p, path: p.path.startsWith(PREFIX) ? p.path.slice(PREFIX.length).replace(/^\./, '') : p.path })));
  }
  for (const [name, logic] of loaded.modules) registry.register(name, logic);
  const child = loaded.spec.root.children[0]!;
  const explicitRequired = (raw as { readiness?: { required?: unknown } } | null)?.readiness?.required !== undefined;
  if (parentIsRoot || explicitRequired) return child;
  // Below the root, readiness is not required unless the spec says so (DESIGN §5).
  return Object.freeze({ ...child, readiness: Object.freeze({ ...child.readiness, required: false }) }) as ChildSpec;
}
