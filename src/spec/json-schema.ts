/**
 * The JSON Schema of config files (systems/schema.json, `overseer schema`), generated from the
 * zod pieces of schema.ts and as strict as the loader: a child is a worker (exactly one of
 * behaviour | module, worker keys only) or a supervisor (children, supervisor keys only), and a
 * built-in behaviour's params must match that behaviour's params schema.
 *
 * What it cannot say, so only the loader (`overseer check`) reports it: behaviour names that
 * are not built-ins (an embedder may register any name, so any is allowed here), duplicate
 * sibling ids, `module:` files that are missing or export no XState logic, OVERSEER_* variables.
 */
import { z } from 'zod';
import { builtinBehaviours, builtinParams } from '../system/builtins.js';
import { childFields, fileFields, specFields } from './schema.js';
import { DEFAULTS } from './types.js';

type JsonSchema = Record<string, unknown>;

// The loader's one child shape, split into two closed ones by the keys rules.ts allows each kind.
const { strategy: _s, start: _t, intensity: _i, autoShutdown: _a, ...workerFields } = childFields;
const { behaviour: _b, module: _m, params: _p, mailbox: _x, inputs: _n, ...supervisorFields } = childFields;

const worker = z
  .strictObject({
    ...workerFields,
    shutdown: childFields.shutdown.meta({
      description: `Default ${DEFAULTS.workerShutdownMs} ms (${Object.entries(DEFAULTS.behaviourShutdownMs).map(([b, v]) => `${b}: ${v}`).join(', ')}).`,
      default: DEFAULTS.workerShutdownMs,
    }),
  })
  .meta({ id: 'worker', description: 'A worker: one actor running a behaviour (a registered name) or a module (XState logic from a file); exactly one of the two.' });

const supervisor = z
  .strictObject({
    ...supervisorFields,
    shutdown: childFields.shutdown.meta({ description: 'Default infinity: a supervisor waits for its children, which have their own deadlines.', default: 'infinity' }),
    get children(): z.ZodArray<z.ZodType> {
      return z.array(child).describe('Started in this order (one by one, or together with start: parallel); stopped in reverse order.');
    },
  })
  .meta({ id: 'supervisor', description: 'A nested supervisor: restarts its children by its strategy and gives up past its intensity.' });

const child: z.ZodType = z.xor([worker, supervisor]).meta({ id: 'child', description: 'A worker (behaviour or module) or a supervisor (children), never both or neither.' });

const systemFile = z
  .strictObject({
    ...fileFields,
    spec: z
      .strictObject({ ...specFields, children: z.array(child).describe('Children of the root supervisor (paths root/ID); the runtime starts its control plane before them.') })
      .describe('The root supervisor and the system around it.'),
  })
  .meta({ title: 'Overseer system config (overseer/v1)', description: 'A supervision tree and the system around it. `overseer check FILE` also reports what this schema cannot (unknown behaviours, duplicate ids, missing modules).' });

/** The schema as written to systems/schema.json (with the built-ins' params, as the CLI loads them). */
export function systemJsonSchema(): JsonSchema {
  const params = [...builtinParams()].map(([name, schema]) => ({ name, schema, emptyIsValid: schema.safeParse({}).success }));
  const { $schema, title, $defs, ...rest } = z.toJSONSchema(systemFile, { target: 'draft-2020-12', io: 'input', cycles: 'ref' }) as JsonSchema & {
    $defs: Record<string, JsonSchema>;
  };
  const worker = $defs.worker as JsonSchema & { properties: Record<string, JsonSchema> };
  worker.properties.behaviour = { ...worker.properties.behaviour, examples: Object.keys(builtinBehaviours()) };
  Object.assign(worker, workerRules(params));
  for (const { name, schema } of params) $defs[`${name}Params`] = paramsJsonSchema(name, schema);
  return { $schema, $id: 'https://overseer.dev/schema/system-v1.json', title, ...rest, $defs };
}

/**
 * What rules.ts checks on a worker that a closed shape cannot: exactly one of behaviour and
 * module, and a built-in's params against its schema (absent params are checked as {} by the
 * loader, so they are required only when {} would fail).
 */
function workerRules(builtins: readonly { name: string; emptyIsValid: boolean }[]): JsonSchema {
  return {
    oneOf: [{ required: ['behaviour'] }, { required: ['module'] }],
    allOf: builtins.map(({ name, emptyIsValid }) => ({
      if: { properties: { behaviour: { const: name } }, required: ['behaviour'] },
      then: { properties: { params: { $ref: `#/$defs/${name}Params` } }, ...(emptyIsValid ? {} : { required: ['params'] }) },
    })),
  };
}

// cluster's params live in cluster/cluster.ts without descriptions; described here until it has its own.
const PARAM_NOTES: Record<string, Record<string, string>> = {
  cluster: { backend: 'Where membership lives: local (a single node). PostgreSQL comes with multi-node.' },
};

function paramsJsonSchema(name: string, schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema & { properties?: Record<string, JsonSchema> };
  for (const [key, description] of Object.entries(PARAM_NOTES[name] ?? {})) {
    const property = json.properties?.[key];
    if (property && property.description === undefined) property.description = description;
  }
  return { description: `params of the built-in ${name} behaviour (when behaviour is "${name}").`, ...json };
}
