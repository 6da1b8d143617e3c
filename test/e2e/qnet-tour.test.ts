/**
 * The qnet tour of the README, end to end through HTTP against `overseer start systems/qnet.yaml`:
 * the run completes (autoShutdown), one PUT of numbers' count wakes the pipeline for a fresh run
 * of 2000, the history shows 1000 → 2000, and the change survives a process restart.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type Run } from './cli.js';

const TOKEN = 'qnet-tour-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
type Node = { id: string; status: string; info?: Record<string, number>; params?: Record<string, unknown>; children?: Node[] };

let run: Run | undefined;
afterEach(async () => {
  run?.child.kill('SIGKILL');
  await run?.exit;
  run = undefined;
});

async function start(dataDir: string): Promise<string> {
  run = runCli(['start', 'systems/qnet.yaml', '--port', '0', '--data-dir', dataDir], { OVERSEER_ADMIN_TOKEN: TOKEN });
  const listening = await run.waitForLine((l) => l.msg === 'admin endpoint listening');
  return String(listening.url);
}

const qnet = async (url: string) => (await (await fetch(`${url}/status/root/qnet`)).json()) as Node;
const stage = (tree: Node, id: string) => tree.children!.find((c) => c.id === id)!;

/** Polls /status until the qnet supervisor has completed a run in which the sink received `count`. */
async function completedRun(url: string, count: number): Promise<Node> {
  for (let i = 0; i < 600; i++) {
    const tree = await qnet(url);
    if (tree.status === 'completed' && stage(tree, 'sink').info?.received === count) return tree;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`qnet did not complete a run of ${count}: ${JSON.stringify(await qnet(url))}`);
}

describe('the qnet tour', () => {
  it('completes, wakes up on a count change with a fresh run, keeps the history, and keeps the change across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-qnet-'));
    let url = await start(dataDir);
    const first = await completedRun(url, 1000);
    for (const id of ['numbers', 'queue', 'sink']) expect(stage(first, id).status).toBe('completed');
    expect(stage(first, 'queue').info).toMatchObject({ processed: 1000 });
    expect(stage(first, 'sink').info).toMatchObject({ received: 1000, outOfOrder: 0 });

    const unauthorized = await fetch(`${url}/actors/root/qnet/numbers/params`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"count":2000}' });
    expect(unauthorized.status).toBe(401);
    const put = await fetch(`${url}/actors/root/qnet/numbers/params`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: '{"count":2000}' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ action: 'restarted', changed: { count: 2000 }, previous: { count: 1000 } });

    const second = await completedRun(url, 2000);
    expect(stage(second, 'queue').info).toMatchObject({ processed: 2000 }); // fresh: not 1000 + 2000
    expect(stage(second, 'sink').info).toMatchObject({ received: 2000, outOfOrder: 0 });
    const history = (await (await fetch(`${url}/actors/root/qnet/numbers/history`, { headers: auth })).json()) as { entries: unknown[] };
    expect(history.entries).toMatchObject([{ source: 'api', changed: { count: 2000 }, previous: { count: 1000 } }]);

    run!.child.kill('SIGTERM');
    await run!.exit;
    url = await start(dataDir);
    const again = await completedRun(url, 2000); // the API change is re-applied over the file's 1000
    expect(stage(again, 'numbers').params).toMatchObject({ count: 2000 });
  });
});
