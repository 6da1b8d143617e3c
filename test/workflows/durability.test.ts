/**
 * kill -9 of the server in the middle of a slow step: after a restart on the same data the
 * execution completes and every step_completed is in its log exactly once. The server runs the
 * CLI from source (tsx) in a child process, as `overseer start` does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SYSTEM = join(REPO, 'test/workflows/fixtures/durable.yaml');

interface Server {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
}

function serve(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', SYSTEM, '--data-dir', dataDir, '--port', '0', '--gateway-port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    let buffer = '';
    let url: string | undefined;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let line: { msg?: string; url?: string; event?: string };
        try {
          line = JSON.parse(text) as typeof line;
        } catch {
          continue; // not a log line
        }
        if (line.msg === 'gateway listening') url = line.url;
        if (line.event === 'system_ready' && url) resolve({ child, url, exit });
      }
    });
    void exit.then((code) => reject(new Error(`server exited ${code} before ready: ${stderr}`)));
  });
}

async function log(url: string, id: string): Promise<{ id: string; type: string; version: number; data: { step?: string } }[]> {
  const res = await fetch(`${url}/api/v1/streams/execution-${id}?limit=4096`);
  return res.status === 404 ? [] : ((await res.json()) as { events: never[] }).events;
}

describe('durability of executions', () => {
  it('kill -9 during a slow step: after a restart the execution completes and every step_completed appears exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-wf-durable-'));
    const first = await serve(dataDir);
    const created = await fetch(`${first.url}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ playbook: 'slow', workload: { ms: 800 } }) });
    expect(created.status).toBe(201);
    const { executionId } = (await created.json()) as { executionId: string };
    // Wait until step b runs (a completed, b's action started), then kill the process outright.
    for (;;) {
      const events = await log(first.url, executionId);
      if (events.some((e) => e.type === 'action_started' && e.data.step === 'b')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    expect(await first.exit).toBe(null);

    const second = await serve(dataDir);
    let view: { status: string; result?: unknown } = { status: 'running' };
    for (let i = 0; i < 600 && view.status === 'running'; i++) {
      view = (await (await fetch(`${second.url}/api/v1/executions/${executionId}`)).json()) as typeof view;
      if (view.status === 'running') await new Promise((r) => setTimeout(r, 50));
    }
    expect(view).toMatchObject({ status: 'completed', result: { ms: 800 } });
    const events = await log(second.url, executionId);
    expect(events.filter((e) => e.type === 'step_completed').map((e) => e.data.step)).toEqual(['a', 'b', 'c']);
    expect(events.filter((e) => e.type === 'execution_completed')).toHaveLength(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i));
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });
});
