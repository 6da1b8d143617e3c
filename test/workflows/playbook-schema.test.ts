/** systems/playbooks/schema.json: generated from the loader's zod schema, fresh, and agreeing with the loader on the demo files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../../src/workflows/playbook/json-schema.js';
import { PLAYBOOKS } from './harness.js';

const committed = readFileSync(join(PLAYBOOKS, 'schema.json'), 'utf8');
const validator = () => new Ajv2020.default({ strict: false, allErrors: true }).compile(JSON.parse(committed));

describe('systems/playbooks/schema.json', () => {
  it('matches the zod schema it is generated from (run `npx tsx src/workflows/playbook/write-schema.ts` when this fails)', () => {
    expect(committed).toBe(JSON.stringify(playbookJsonSchema(), null, 2) + '\n');
  });

  it.each(readdirSync(PLAYBOOKS).filter((f) => f.endsWith('.yaml')))('accepts systems/playbooks/%s, which names it on its first line', (file) => {
    const text = readFileSync(join(PLAYBOOKS, file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    const validate = validator();
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses unknown keys and bad step types, as the loader does', () => {
    const validate = validator();
    const base = { apiVersion: 'overseer/v1', kind: 'Playbook', metadata: { name: 'p' }, spec: { workflow: [{ step: 's', type: 'start', next: [{ step: 'e' }] }, { step: 'e', type: 'end' }] } };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, extra: 1 })).toBe(false);
    expect(validate({ ...base, spec: { workflow: [{ step: 's', type: 'begin' }] } })).toBe(false);
    expect(validate({ ...base, metadata: { name: 'Bad Name' } })).toBe(false);
  });
});
