/**
 * A kind's optional JSON Schema for `spec`, compiled once with ajv (loaded on first use, so a
 * system without schemas never loads it) and applied on every create and update: each
 * problem is named by its JSON pointer into the resource (`/spec/replicas`).
 */
import { createRequire } from 'node:module';
import type { ResourceProblem } from './errors.js';

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown>; keyword: string }[] | null };
interface AjvInstance {
  compile(schema: object): Validate;
}

let ajv: AjvInstance | undefined;

function instance(): AjvInstance {
  if (ajv) return ajv;
  // Synchronous and lazy: config loading checks schemas inside a synchronous zod refinement.
  const mod = createRequire(import.meta.url)('ajv') as { default?: new (o: object) => AjvInstance } & (new (o: object) => AjvInstance);
  const Ajv = mod.default ?? mod;
  // strict: false: schemas written for other tools (with their own keywords) still work.
  ajv = new Ajv({ allErrors: true, strict: false });
  return ajv;
}

export type SpecValidator = (spec: unknown) => ResourceProblem[];

/** Compiles `schema`; throws an Error saying why it is not a usable JSON Schema. */
export function compileSpecSchema(schema: Record<string, unknown>): SpecValidator {
  const validate = instance().compile(schema);
  return (spec) => {
    if (validate(spec)) return [];
    return (validate.errors ?? []).map((e) => {
      // `required` and `additionalProperties` name the property in params, not in the path.
      const property = e.keyword === 'required' ? e.params?.missingProperty : e.keyword === 'additionalProperties' ? e.params?.additionalProperty : undefined;
      const below = typeof property === 'string' ? `/${escapePointer(property)}` : '';
      return { pointer: `/spec${e.instancePath}${below}`, message: e.message ?? e.keyword };
    });
  };
}

/** Why `schema` cannot be compiled, or undefined when it can. */
export function specSchemaProblem(schema: Record<string, unknown>): string | undefined {
  try {
    compileSpecSchema(schema);
    return undefined;
  } catch (error) {
    return `not a usable JSON Schema: ${(error as Error).message}`;
  }
}

export const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
