/**
 * `overseer start --watch` and SIGHUP in a child process (DESIGN §10): editing the config file
 * changes the running tree (unchanged children keep their instance); a broken edit is logged
 * problem by problem and leaves the tree as it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, runCli, type Run } from './cli.js';

const TICKER = join(REPO, 'systems/behaviours/ticker.js');
const config = (ids: string[]) =>
  `apiVersion: overseer/v1\nkind: System\nmetadata: { name: reload-test }\nspec:\n  children:\n` +
  ids.map((id) => `    - { id: ${id}, module: "${TICKER}#ticker", params: { intervalMs: 60000, crashEvery: 1000 } }\n`).join('');

let run: Run | undefined;
afterEach(async () => {
  run?.child.kill('SIGKILL');
  await run?.exit;
  run = undefined;
});

async function startOn(ids: string[], watch: boolean, text = config(ids), dir = mkdtempSync(join(tmpdir(), 'overseer-reload-'))) {
  const file = join(dir, 'system.yaml');
  writeFileSync(file, text);
  run = runCli(['start', file, '--port', '0', '--data-dir', join(dir, 'data'), ...(watch ? ['--watch'] : [])]);
  const listening = await run.waitForLine((l) => l.msg === 'admin endpoint listening');
  await run.waitForLine((l) => l.msg === 'system started');
  if (watch) await run.waitForLine((l) => l.msg === 'watching the config file and its modules');
  const url = String(listening.url);
  const status = async () => (await (await fetch(`${url}/status`)).json()) as { children: { id: string; instance: string }[] };
  const instanceOf = async (id: string) => (await status()).children.find((c) => c.id === id)?.instance;
  return { file, run, status, instanceOf };
}

const lineCount = (r: Run, msg: string) => r.lines.filter((l) => l.msg === msg).length;

describe('reloading the config file of overseer start', () => {
  it('--watch: an edit adds a child and keeps the others; a broken edit changes nothing and is logged positioned', async () => {
    const t = await startOn(['a'], true);
    const a = await t.instanceOf('a');
    writeFileSync(t.file, config(['a', 'b']));
    const reloaded = await t.run.waitForLine((l) => l.msg === 'config reloaded');
    expect(reloaded).toMatchObject({ trigger: 'watch', added: ['root/b'] });
    expect(await t.instanceOf('b')).toBeDefined();
    expect(await t.instanceOf('a')).toBe(a);

    writeFileSync(t.file, config(['a', 'b']).replace('children:', 'childs:'));
    const rejected = await t.run.waitForLine((l) => l.msg === 'config rejected: nothing changed, the tree keeps running');
    expect(rejected.trigger).toBe('watch');
    const problems = t.run.lines.filter((l) => l.msg === 'config rejected').map((l) => String(l.problem));
    expect(problems.some((p) => /system\.yaml:\d+:\d+: /.test(p))).toBe(true);
    expect(await t.instanceOf('b')).toBeDefined();
    expect(lineCount(t.run, 'config reloaded')).toBe(1);
  });

  it('--watch: editing a module: file restarts the workers running it, and only those', async () => {
    // Inside the repository, so the module resolves `xstate` from its node_modules.
    const dir = mkdtempSync(join(REPO, '.tmp-reload-'));
    try {
      const module = (tag: string) => `import { fromCallback } from 'xstate';\nexport const idle = fromCallback(() => () => undefined); // ${tag}\n`;
      writeFileSync(join(dir, 'idle.js'), module('v1'));
      const text = config(['keep']).replace('children:\n', 'children:\n    - { id: edited, module: ./idle.js#idle }\n');
      const t = await startOn([], true, text, dir);
      const edited = await t.instanceOf('edited');
      const keep = await t.instanceOf('keep');
      writeFileSync(join(dir, 'idle.js'), module('v2'));
      const reloaded = await t.run.waitForLine((l) => l.msg === 'config reloaded');
      expect(reloaded).toMatchObject({ trigger: 'watch', restarted: ['root/edited'] });
      expect(await t.instanceOf('edited')).not.toBe(edited);
      expect(await t.instanceOf('keep')).toBe(keep);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGHUP applies the file once: a removed child stops', async () => {
    const t = await startOn(['a', 'b'], false);
    writeFileSync(t.file, config(['a']));
    t.run.child.kill('SIGHUP');
    const reloaded = await t.run.waitForLine((l) => l.msg === 'config reloaded');
    expect(reloaded).toMatchObject({ trigger: 'SIGHUP', removed: ['root/b'] });
    expect(await t.instanceOf('b')).toBeUndefined();
  });
});
