/**
 * The two judges of a config document: ajv with the committed systems/schema.json, and the
 * loader with the built-in behaviours and params (as `overseer check` loads them). `module:`
 * references resolve against test/spec/fixtures (behaviours.mjs).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigError } from '../../src/shared/errors.js';
import { loadSpecObject, type LoadOptions } from '../../src/spec/index.js';
import { builtinBehaviours, builtinParams } from '../../src/system/builtins.js';

export const systems = fileURLToPath(new URL('../../systems/', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const schema = JSON.parse(readFileSync(`${systems}schema.json`, 'utf8')) as Record<string, unknown>;
// strictRequired is off: `oneOf: [{ required: [behaviour] }, { required: [module] }]` names keys defined beside it.
export const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
export const loadOptions: LoadOptions = { behaviours: new Set(Object.keys(builtinBehaviours())), params: builtinParams(), env: {} };

export const schemaAccepts = (document: unknown): boolean => validate(document);

export async function loaderAccepts(document: unknown): Promise<boolean> {
  try {
    await loadSpecObject(document, { ...loadOptions, baseDir: fixtures });
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

/** A document with these root children and spec keys. */
export const doc = (children: unknown, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'overseer/v1',
  kind: 'System',
  metadata: { name: 't' },
  spec: { ...spec, children },
});
