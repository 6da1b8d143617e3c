import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemJsonSchema } from '../../src/spec/index.js';

describe('systems/schema.json', () => {
  it('matches the zod schema it is generated from (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(new URL('../../systems/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(JSON.stringify(systemJsonSchema(), null, 2) + '\n');
  });

  it('describes children recursively and forbids unknown keys', () => {
    const schema = JSON.stringify(systemJsonSchema());
    expect(schema).toContain('"additionalProperties":false');
    expect(schema).toContain('"$ref"');
  });
});
