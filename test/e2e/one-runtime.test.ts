/**
 * One runtime per process: the CLI and a `module:` behaviour that imports `overseer` share
 * one copy of the runtime (an error the runtime throws is an instance of the user's import).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

describe('one runtime per process', () => {
  it('a module: behaviour sees the errors the CLI runtime throws as its own OverseerError classes (regression: the CLI ran a bundled second copy)', async () => {
    const run = runCli(['start', 'test/e2e/fixtures/one-runtime/system.yaml', '--port', '0'], { OVERSEER_DATA_DIR: '/tmp' });
    try {
      const listening = await run.waitForLine((l) => l.msg === 'admin endpoint listening');
      await run.waitForLine((l) => l.event === 'system_ready');
      const status = (await (await fetch(`${String(listening.url)}/status/root/probe`)).json()) as { info?: { sameRuntime?: boolean } };
      expect(status.info).toEqual({ sameRuntime: true });
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    }
  });
});
