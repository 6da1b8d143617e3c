/** The JSON Schema of config files, generated from the zod schema (committed as systems/schema.json). */
import { z } from 'zod';
import { systemFile } from './schema.js';

export function systemJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(systemFile, { target: 'draft-2020-12', reused: 'ref', cycles: 'ref' }) as Record<string, unknown>;
  return { $id: 'https://overseer.dev/schema/system-v1.json', title: 'Overseer system config (overseer/v1)', ...schema };
}
