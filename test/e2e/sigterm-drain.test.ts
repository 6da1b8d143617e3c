import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, type Run } from './cli.js';

const msg = (m: string) => (l: Record<string, unknown>) => l.msg === m;
const APPEND = JSON.stringify({ events: [{ type: 'written', data: { by: 'sigterm-drain' } }] });

async function startStore(args: string[]): Promise<{ run: Run; admin: string; gateway: URL }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'overseer-drain-'));
  const run = runCli(['start', ...args, '--port', '0', '--gateway-port', '0', '--data-dir', dataDir]);
  const admin = (await run.waitForLine(msg('admin endpoint listening'))).url as string;
  const gateway = new URL((await run.waitForLine(msg('gateway listening'))).url as string);
  await run.waitForLine((l) => l.event === 'system_ready');
  return { run, admin, gateway };
}

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8').on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

describe('SIGTERM drains the gateway', () => {
  it('a request in flight at SIGTERM gets its answer, one whose headers finish during the close gets 503 with Connection: close, and the process exits 0', async () => {
    const { run, gateway } = await startStore([]);
    try {
      // Arriving: a connection whose request has begun but whose headers are not complete yet.
      const late = connect({ host: gateway.hostname, port: Number(gateway.port) });
      let lateAnswer = '';
      const lateEnded = new Promise<void>((resolve, reject) => {
        late.setEncoding('utf8').on('data', (c: string) => (lateAnswer += c));
        late.on('end', resolve).on('close', resolve).on('error', reject);
      });
      await new Promise<void>((resolve) => late.once('connect', resolve));
      late.write(`GET /api/v1/streams/x HTTP/1.1\r\nHost: ${gateway.host}\r\n`);
      // In flight: the server has the headers (it answered 100 Continue) and half the body.
      // Its headers went out after the late bytes, so the server has read those too by then.
      const inflight = request({ host: gateway.hostname, port: gateway.port, method: 'POST', path: '/api/v1/streams/x', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(APPEND), expect: '100-continue' } });
      const answered = new Promise<IncomingMessage>((resolve, reject) => inflight.on('response', resolve).on('error', reject));
      const continued = new Promise<void>((resolve) => inflight.on('continue', resolve));
      inflight.flushHeaders();
      await continued;
      inflight.write(APPEND.slice(0, APPEND.length >> 1));

      run.child.kill('SIGTERM');
      await run.waitForLine(msg('gateway closing: no new connections; finishing requests in flight'));
      late.write('\r\n');
      inflight.end(APPEND.slice(APPEND.length >> 1));

      const res = await answered;
      expect(res.statusCode).toBe(201);
      expect(res.headers.connection).toBe('close');
      expect(JSON.parse(await body(res))).toEqual({ nextExpectedVersion: 0, position: 1 });
      await lateEnded;
      expect(lateAnswer).toMatch(/^HTTP\/1\.1 503 /);
      expect(lateAnswer).toMatch(/\r\nconnection: close\r\n/i);
      expect(await run.exit).toBe(0);
      expect(run.lines.some(msg('journal closed'))).toBe(true);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('with spec.drainMs, /readyz answers 503 while the gateway still serves, then the tree stops and the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overseer-drain-'));
    const file = join(dir, 'drain.yaml');
    const source = readFileSync(join(REPO, 'systems/default.yaml'), 'utf8');
    expect(source).toContain('\nspec:\n');
    writeFileSync(file, source.replace('\nspec:\n', '\nspec:\n  drainMs: 2000\n'));
    const { run, admin, gateway } = await startStore([file]);
    try {
      expect((await fetch(`${admin}/readyz`)).status).toBe(200);
      run.child.kill('SIGTERM');
      await run.waitForLine(msg('draining: not ready, still serving'));
      expect((await fetch(`${admin}/readyz`)).status).toBe(503);
      const res = await fetch(`${gateway.origin}/api/v1/streams/drained`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: APPEND });
      expect(res.status).toBe(201);
      expect(res.headers.get('connection')).toBe('close'); // clients leave their pooled connections while draining
      // Nothing had stopped while those were answered: the tree stops after the drain.
      const drainAt = run.lines.findIndex(msg('draining: not ready, still serving'));
      expect(run.lines.findIndex((l) => l.event === 'child_exited')).toBe(-1);
      expect(await run.exit).toBe(0);
      const firstExit = run.lines.findIndex((l) => l.event === 'child_exited');
      expect(drainAt).toBeLessThan(firstExit);
      expect(run.lines.at(-1)?.msg).toBe('system stopped');
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
