/**
 * The README's "Embed it" example runs as written (regression: it named a missing
 * systems/app.yaml and used the system after stop()).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runModule } from './cli.js';

function embedExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### 6. Embed it'));
  const code = /```ts\n([\s\S]*?)```/.exec(section);
  if (!code) throw new Error('README has no Embed it example');
  return code[1]!;
}

describe('README', () => {
  it('the embed example runs as written and ends when the system stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-readme-'));
    const source = embedExample().replace("'./data/app'", JSON.stringify(dataDir));
    const { code, stdout: out, stderr: err } = await runModule(source);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('0 order_placed');
    expect(out).toContain("id: 'counter'");
  });
});
