import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO, runCli, runToEnd } from './cli.js';

const msg = (m: string) => (l: Record<string, unknown>) => l.msg === m;

describe('overseer start', () => {
  it('runs the default system, reports the admin URL, and exits 0 on SIGTERM with readiness dropping first', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-e2e-'));
    const run = runCli(['start', '--port', '0', '--gateway-port', '0', '--data-dir', dataDir, '--log-level', 'debug']);
    onTestFinished(() => void run.child.kill('SIGKILL')); // never leave a server behind when an assertion fails
    const listening = await run.waitForLine(msg('admin endpoint listening'));
    const url = listening.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await run.waitForLine((l) => l.event === 'system_ready');
    expect((await fetch(url + '/readyz')).status).toBe(200);
    const tree = (await runToEnd(['status', '--url', url])).stdout;
    for (const id of ['persistence', 'notification', 'store', 'cluster', 'gateway']) expect(tree).toContain(`root/${id}`);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const events = run.lines.map((l) => l.event).filter(Boolean);
    const stoppingAt = events.indexOf('system_stopping');
    const firstChildStop = events.indexOf('subsystem_stopping');
    expect(stoppingAt).toBeGreaterThanOrEqual(0);
    expect(stoppingAt).toBeLessThan(firstChildStop);
    // Reverse start order: the gateway stops taking requests first, the journal closes last.
    const stops = run.lines.filter((l) => l.event === 'subsystem_stopping').map((l) => (l.data as { system: string }).system);
    expect(stops.indexOf('root/gateway')).toBeLessThan(stops.indexOf('root/persistence'));
    expect(stops.at(-1)).toBe('root/control-plane');
    expect(events.at(-1)).toBe('system_stopped');
    expect(run.lines.at(-1)?.msg).toBe('system stopped');
  });

  it('exits 1 when the root supervisor gives up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overseer-e2e-'));
    const file = join(dir, 'flappy.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: overseer/v1',
        'kind: System',
        'metadata: { name: flappy }',
        'spec:',
        '  admin: { port: 0 }',
        '  intensity: { maxRestarts: 2, periodMs: 60000 }',
        '  children:',
        '    - id: ticker',
        `      module: ${join(REPO, 'systems/behaviours/ticker.js')}#ticker`,
        '      params: { intervalMs: 10, crashEvery: 1 }',
        '',
      ].join('\n'),
    );
    const run = runCli(['start', file]);
    expect(await run.exit).toBe(1);
    expect(run.lines.some((l) => l.event === 'restart_intensity_exceeded')).toBe(true);
    expect(run.lines.filter((l) => l.event === 'child_restarting')).toHaveLength(2);
  });

  it('exits 78 with positioned problems for an invalid config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overseer-e2e-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'apiVersion: overseer/v1\nkind: System\nmetadata: { name: x }\nspec:\n  children:\n    - id: a\n      behaviour: nope\n');
    const { code, stderr } = await runToEnd(['start', file]);
    expect(code).toBe(78);
    expect(stderr).toContain(`${file}:7:18: spec.children[0].behaviour:`);
  });

  it('an unknown flag exits 2 with usage', async () => {
    const { code, stderr } = await runToEnd(['start', '--no-such-flag']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--no-such-flag'");
    expect(stderr).toContain('Usage: overseer start');
  });

  it('a bad port exits 2', async () => {
    const { code, stderr } = await runToEnd(['start', '--port', 'http']);
    expect(code).toBe(2);
    expect(stderr).toContain('expected a port number');
  });
});
