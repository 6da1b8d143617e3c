/**
 * The JSON Schema of playbook files (systems/playbooks/schema.json), generated from the zod
 * schema the loader uses, so editors check what `overseer` checks. What it cannot say (next
 * names a step that exists, one start, reachability, expressions that compile, handlers that
 * exist) only the loader reports, positioned.
 */
import { z } from 'zod';
import { playbookFile } from './schema.js';

export function playbookJsonSchema(): Record<string, unknown> {
  const { $schema, title, ...rest } = z.toJSONSchema(playbookFile, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { $schema, $id: 'https://overseer.dev/schema/playbook-v1.json', title, ...rest };
}
