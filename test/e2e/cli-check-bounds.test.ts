/**
 * `overseer check` on hostile files (issue 18 item 7), through the built CLI: alias bombs and
 * unresolved aliases, and modules that never settle, spin or leave timers, each end in a
 * positioned problem and exit 78 (or `FILE: ok` and 0), with no stack trace, and in bounded time.
 */
import { describe, expect, it } from 'vitest';
import { runToEnd } from './cli.js';

const F = 'test/e2e/fixtures/hostile';
// Short, so the module cases are quick; the hang guard below allows well over it.
const env = { OVERSEER_MODULE_TIMEOUT_MS: '1500' };
const HANG_GUARD_MS = 20_000;

async function check(...files: string[]) {
  const started = Date.now();
  const result = await runToEnd(['check', ...files], env);
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(HANG_GUARD_MS);
  expect(result.stderr).not.toContain('    at ');
  return { ...result, elapsed };
}

describe('overseer check is bounded on hostile input', () => {
  it('alias bomb exits 78 with a positioned problem naming maxAliasCount', async () => {
    const { code, stderr } = await check(`${F}/alias-bomb.yaml`);
    expect(code).toBe(78);
    expect(stderr).toMatch(/^test\/e2e\/fixtures\/hostile\/alias-bomb\.yaml:\d+:\d+: spec\.children\[0\]\.params\.b\[0\]: aliases expand to too many nodes \(limit: maxAliasCount 100\)/m);
  });

  it('unresolved alias exits 78 with a positioned problem', async () => {
    const { code, stderr } = await check(`${F}/unresolved-alias.yaml`);
    expect(code).toBe(78);
    expect(stderr).toContain(`${F}/unresolved-alias.yaml:9:18: spec.children[0].behaviour: unresolved alias *nope`);
  });

  it('a module whose top-level await never settles is a problem on its module: line, not a silent exit 0', async () => {
    const { code, stdout, stderr } = await check(`${F}/never-settles.yaml`);
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^test\/e2e\/fixtures\/hostile\/never-settles\.yaml:9:15: spec\.children\[0\]\.module: .*never-settles\.mjs/m);
  });

  it('a busy-loop module times out (OVERSEER_MODULE_TIMEOUT_MS) instead of running on', async () => {
    const { code, stderr, elapsed } = await check(`${F}/busy-loop.yaml`);
    expect(code).toBe(78);
    expect(stderr).toMatch(/^test\/e2e\/fixtures\/hostile\/busy-loop\.yaml:9:15: spec\.children\[0\]\.module: importing .*busy-loop\.mjs did not finish within 1500 ms/m);
    expect(elapsed).toBeGreaterThanOrEqual(1500);
  });

  it('a valid module that leaves a setInterval running: ok, exit 0, and the process exits', async () => {
    const { code, stdout, stderr } = await check(`${F}/interval.yaml`, `${F}/valid.yaml`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`${F}/interval.yaml: ok\n${F}/valid.yaml: ok\n`);
  });

  it('every file gets a verdict: problems of the hostile ones, the others still checked', async () => {
    const { code, stdout, stderr } = await check(`${F}/busy-loop.yaml`, `${F}/valid.yaml`, `${F}/never-settles.yaml`, `${F}/alias-bomb.yaml`);
    expect(code).toBe(78);
    expect(stdout).toBe(`${F}/valid.yaml: ok\n`);
    expect(stderr).toMatch(/busy-loop\.yaml:9:15: /);
    expect(stderr).toMatch(/never-settles\.yaml:9:15: /);
    expect(stderr).toMatch(/alias-bomb\.yaml:\d+:\d+: /);
    expect(stderr).toMatch(/^3 problems found$/m);
  });
});

describe('overseer start on hostile input', () => {
  it('an unresolved alias exits 78 with a positioned problem, no stack trace', async () => {
    const { code, stderr } = await runToEnd(['start', `${F}/unresolved-alias.yaml`, '--log-level', 'silent'], env);
    expect(code).toBe(78);
    expect(stderr).toContain(`${F}/unresolved-alias.yaml:9:18: spec.children[0].behaviour: unresolved alias *nope`);
    expect(stderr).not.toContain('    at ');
  });

  it('a never-settling module fails after the timeout instead of hanging or exiting 0', async () => {
    const { code, stderr } = await runToEnd(['start', `${F}/never-settles.yaml`, '--log-level', 'silent'], env);
    expect(code).toBe(78);
    expect(stderr).toMatch(/never-settles\.yaml:9:15: spec\.children\[0\]\.module: importing .* did not finish within 1500 ms/);
  });
});
