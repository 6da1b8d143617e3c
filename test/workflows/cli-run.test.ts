/** `overseer run PLAYBOOK`: progress lines as steps start and complete, the result on stdout, exit 0 / 1. */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runPlaybook } from '../../src/workflows/cli/run.js';
import { PLAYBOOKS, workflowSystems } from './harness.js';
import { linear } from './simulate.js';

const start = workflowSystems();

function capture() {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { err, out, write: (t: string) => void out.push(t) };
}
afterEach(() => void vi.restoreAllMocks());

describe('overseer run', () => {
  it('prints a line per step as it starts and completes, then the result; exit 0', async () => {
    const { url } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'linear.yaml')] });
    const io = capture();
    const code = await runPlaybook('linear', { url, workload: ['value=4'] }, io.write);
    expect(code).toBe(0);
    expect(io.out.join('')).toBe('{"value":81}\n');
    const lines = io.err.join('').trim().split('\n');
    expect(lines[0]).toMatch(/^execution \S+ of linear$/);
    expect(lines.slice(1).map((l) => l.replace(/ \(\d+ ms\)$/, ''))).toEqual(['started   double', 'completed double', 'started   increment', 'completed increment', 'started   square', 'completed square']);
  });

  it('exits 1 when the execution fails, saying where and why', async () => {
    const failing = { ...linear(['a'], 'boom'), metadata: { name: 'fails' } };
    const { url } = await start({ gateway: true, playbooks: [failing], handlers: { boom: () => Promise.reject(new Error('kaput')) } });
    const io = capture();
    expect(await runPlaybook('fails', { url, workload: [] }, io.write)).toBe(1);
    expect(io.err.join('')).toContain('failed    a, attempt 1: kaput');
    expect(io.err.join('')).toContain('execution failed at a: kaput');
    expect(io.out).toEqual([]);
  });

  it('--json prints every event of the log as a JSON line', async () => {
    const { url } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'linear.yaml')] });
    const io = capture();
    expect(await runPlaybook('linear', { url, workload: [], json: true }, io.write)).toBe(0);
    expect(io.out.map((l) => (JSON.parse(l) as { type: string }).type)).toHaveLength(14);
  });

  it('a refused request prints the problem (and each workload problem) and exits 1; a bad --workload exits 2', async () => {
    const { url } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'conditional.yaml')] });
    let io = capture();
    expect(await runPlaybook('conditional', { url, workload: ['temperature=warm'] }, io.write)).toBe(1);
    expect(io.err.join('')).toContain('overseer run: 400 invalid_workload:');
    expect(io.err.join('')).toContain('  workload.temperature: expected number, got string "warm"');
    io = capture();
    expect(await runPlaybook('nope', { url, workload: [] }, io.write)).toBe(1);
    expect(io.err.join('')).toContain('404 unknown_playbook');
    expect(await runPlaybook('conditional', { url, workload: ['novalue'] }, io.write)).toBe(2);
    expect(await runPlaybook('conditional', { url: 'ftp://x', workload: [] }, io.write)).toBe(2);
  });

  it('a system that is not there is exit 1 with a hint', async () => {
    const io = capture();
    expect(await runPlaybook('linear', { url: 'http://127.0.0.1:9', workload: [] }, io.write)).toBe(1);
    expect(io.err.join('')).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
