/**
 * Params of the `resources` behaviour: the kinds it serves (`kind`, `plural`, an optional
 * JSON Schema for `spec`) and the sibling event-store actors it works through. Checked when
 * the config is loaded, schemas compiled there too, so a bad schema is a positioned problem.
 */
import { z } from 'zod';
import { DEFAULT_API_VERSION, NAME_RULES } from './model.js';
import { specSchemaProblem } from './spec-schema.js';

export const kindParams = z
  .object({
    kind: z.string().regex(NAME_RULES.kind.pattern, `a kind is ${NAME_RULES.kind.text}`).describe('The type name, as in `kind:` of each resource (LabInstance).'),
    plural: z.string().regex(NAME_RULES.plural.pattern, `a plural is ${NAME_RULES.plural.text}`).describe('The collection name in URLs (/api/v1/resources/labinstances).'),
    apiVersion: z.string().min(1).max(100).default(DEFAULT_API_VERSION).describe('The apiVersion its resources carry.'),
    schema: z
      .record(z.string(), z.unknown())
      .optional()
      .superRefine((schema, ctx) => {
        const problem = schema === undefined ? undefined : specSchemaProblem(schema);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('A JSON Schema every `spec` of this kind must satisfy (400 invalid_resource with the JSON pointer of the bad field otherwise).'),
  })
  .strict();

export const resourcesParams = z
  .object({
    kinds: z
      .array(kindParams)
      .default([])
      .superRefine((kinds, ctx) => {
        const seen = new Map<string, number>();
        kinds.forEach((k, i) => {
          for (const [field, name] of [['kind', k.kind.toLowerCase()], ['plural', k.plural]] as const) {
            const first = seen.get(name);
            if (first !== undefined && first !== i) ctx.addIssue({ code: 'custom', path: [i, field], message: `"${name}" is already the kind or plural of kinds[${first}]` });
            else seen.set(name, i);
          }
        });
      })
      .describe('The kinds this actor serves; a request for any other kind is 404 unknown_kind.'),
    store: z.string().default('store').describe('Sibling id of the store actor (appends).'),
    notification: z.string().default('notification').describe('Sibling id of the notification actor (the journal is followed through a subscription).'),
    timeoutMs: z.number().int().min(1).default(5000).describe('How long a write waits for the store before it fails as unavailable, ms.'),
  })
  .strict();

export type ResourcesParams = z.infer<typeof resourcesParams>;
export type KindParams = z.infer<typeof kindParams>;
