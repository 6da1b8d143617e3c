/**
 * Writes systems/playbooks/schema.json from the zod schema: `npx tsx src/workflows/playbook/write-schema.ts`
 * (test/workflows/playbook-schema-fresh.test.ts fails when the committed file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playbookJsonSchema } from './json-schema.js';

const target = fileURLToPath(new URL('../../../systems/playbooks/schema.json', import.meta.url));
writeFileSync(target, JSON.stringify(playbookJsonSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${target}\n`);
