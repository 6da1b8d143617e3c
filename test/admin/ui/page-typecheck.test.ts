/**
 * The page's code type-checks on its own (src/admin/ui/page/tsconfig.json): DOM types and no
 * Node types, so page code that reached for a Node API would fail here even though the
 * root program (which has both) accepts it.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('the observer page type check', () => {
  it('tsc -p src/admin/ui/page/tsconfig.json reports nothing', () => {
    let output = '';
    try {
      execFileSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'src/admin/ui/page/tsconfig.json'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});
