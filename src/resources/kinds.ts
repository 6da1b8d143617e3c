/**
 * The kinds a `resources` actor serves, built once from its params: each found by its kind
 * (`LabInstance`), lowercased kind (`labinstance`) or plural (`labinstances`), with its spec
 * validator compiled.
 */
import { UnknownKindError } from './errors.js';
import type { KindInfo } from './model.js';
import type { KindParams } from './params.js';
import { compileSpecSchema } from './spec-schema.js';
import type { KindRules } from './validate.js';

export interface ServedKind extends KindRules {
  readonly plural: string;
  readonly info: KindInfo;
}

export class KindTable {
  private readonly byName = new Map<string, ServedKind>();
  readonly all: readonly ServedKind[];

  constructor(kinds: readonly KindParams[]) {
    this.all = kinds.map((k) => {
      const served: ServedKind = {
        kind: k.kind,
        plural: k.plural,
        apiVersion: k.apiVersion,
        ...(k.schema ? { validateSpec: compileSpecSchema(k.schema) } : {}),
        info: Object.freeze({ kind: k.kind, plural: k.plural, apiVersion: k.apiVersion, validated: k.schema !== undefined }),
      };
      for (const name of [k.kind, k.kind.toLowerCase(), k.plural]) this.byName.set(name, served);
      return served;
    });
  }

  /** The kind named `name`; throws UnknownKindError. */
  resolve(name: unknown): ServedKind {
    const served = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (!served) throw new UnknownKindError(String(name), this.all.map((k) => `${k.kind} (${k.plural})`));
    return served;
  }
}
