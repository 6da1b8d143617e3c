/**
 * Edges a newcomer hit with the CLI (issue: honest edges): each answers with a clear message
 * and the documented exit code, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminBaseUrl } from '../../src/cli/status.js';
import { levelOf } from '../../src/system/event-logger.js';
import type { EventEnvelope } from '../../src/events/catalogue.js';
import { REPO, runToEnd } from './cli.js';

describe('CLI edges', () => {
  it('--version prints the package version', async () => {
    const { code, stdout } = await runToEnd(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('OVERSEER_LOG_LEVEL=loud exits 78 naming the variable (regression: a stack trace)', async () => {
    const { code, stderr } = await runToEnd(['start', 'systems/default.yaml', '--port', '0'], { OVERSEER_LOG_LEVEL: 'loud' });
    expect(code).toBe(78);
    expect(stderr).toBe('OVERSEER_LOG_LEVEL: invalid value "loud"; expected one of fatal | error | warn | info | debug | trace | silent\n');
  });

  it('status --url accepts host:port without a scheme (regression: "Invalid URL"), and names a bad one', async () => {
    expect(adminBaseUrl('localhost:7070')?.origin).toBe('http://localhost:7070');
    expect(adminBaseUrl('http://127.0.0.1:7070/')?.origin).toBe('http://127.0.0.1:7070');
    expect(adminBaseUrl('ftp://x')).toBeUndefined();
    const { code, stderr } = await runToEnd(['status', '--url', 'ftp://x']);
    expect(code).toBe(2);
    expect(stderr).toContain('--url "ftp://x" is not an http(s) URL');
    const unreachable = await runToEnd(['status', '--url', '127.0.0.1:1']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach http://127.0.0.1:1');
  });

  it('a clean stop logs node_left at info, any other reason at warn', () => {
    const ev = (reason: string) => ({ type: 'node_left', data: { node: 'n', reason } }) as unknown as EventEnvelope;
    expect(levelOf(ev('shutdown'))).toBe('info');
    expect(levelOf(ev('lost'))).toBe('warn');
  });
});
