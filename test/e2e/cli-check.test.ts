import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runToEnd } from './cli.js';

describe('overseer check / schema', () => {
  it('every config file in systems/ passes overseer check', async () => {
    const files = readdirSync(join(REPO, 'systems')).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'schema.json');
    expect(files.length).toBeGreaterThan(0);
    const { code, stdout, stderr } = await runToEnd(['check', ...files.map((f) => join('systems', f))]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const f of files) expect(stdout).toContain(`systems/${f}: ok`);
  });

  it('a missing file is a positioned problem and exits 78', async () => {
    const { code, stderr } = await runToEnd(['check', 'systems/does-not-exist.yaml']);
    expect(code).toBe(78);
    expect(stderr).toMatch(/^systems\/does-not-exist\.yaml:/);
  });

  it('schema prints the JSON Schema that systems/schema.json holds', async () => {
    const { code, stdout } = await runToEnd(['schema']);
    expect(code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(stdout).toBe(readFileSync(join(REPO, 'systems/schema.json'), 'utf8'));
  });

  it('no command exits 2 with usage', async () => {
    const { code, stderr } = await runToEnd([]);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: overseer');
  });
});
