/**
 * Cluster nodes as separate processes for the multi-node tests: the built CLI (dist/, built
 * by `npm test`) runs a generated config like systems/cluster.yaml on a schema of the test's
 * own, with free ports, and its JSON log lines are collected (test/e2e/cli.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type Run } from '../e2e/cli.js';

export interface ClusterNode {
  readonly name: string;
  readonly gateway: string;
  readonly admin: string;
  readonly run: Run;
}

export interface ClusterOptions {
  readonly schema: string;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  /** YAML of further root children, indented as list items under `children:`. */
  readonly extraChildren?: string;
}

/** The config every node of the test runs. */
export function clusterConfig(options: ClusterOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'overseer-cluster-'));
  const file = join(dir, 'cluster.yaml');
  const pg = `backend: postgres, schema: ${options.schema}`;
  writeFileSync(
    file,
    `apiVersion: overseer/v1
kind: System
metadata: { name: cluster-test }
spec:
  start: parallel
  intensity: { maxRestarts: 10, periodMs: 30000 }
  children:
    - { id: persistence, behaviour: persistence, params: { ${pg}, recoveryProbeMs: 200 } }
    - { id: notification, behaviour: notification, params: { ${pg}, pollMs: 500 } }
    - { id: store, behaviour: store }
    - { id: cluster, behaviour: cluster, params: { ${pg}, heartbeatMs: ${options.heartbeatMs}, ttlMs: ${options.ttlMs} } }
    - { id: gateway, behaviour: gateway, params: { port: 0 } }
${options.extraChildren ?? ''}`,
  );
  return file;
}

/** Starts a node; resolves once it is ready, with its gateway and admin URLs. */
export async function startNode(config: string, name: string): Promise<ClusterNode> {
  const dataDir = mkdtempSync(join(tmpdir(), `overseer-${name}-`));
  const run = runCli(['start', config, '--node', name, '--port', '0', '--gateway-port', '0', '--data-dir', dataDir]);
  try {
    const [gateway, admin] = await Promise.all([run.waitForLine((l) => l.msg === 'gateway listening'), run.waitForLine((l) => l.msg === 'admin endpoint listening')]);
    await run.waitForLine((l) => l.event === 'system_ready');
    return { name, gateway: String(gateway.url), admin: String(admin.url), run };
  } catch (error) {
    run.child.kill('SIGKILL');
    throw error;
  }
}

export async function stopNodes(nodes: readonly ClusterNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      if (n.run.child.exitCode !== null || n.run.child.signalCode !== null) return;
      n.run.child.kill('SIGTERM');
      const timer = setTimeout(() => n.run.child.kill('SIGKILL'), 10_000);
      await n.run.exit;
      clearTimeout(timer);
    }),
  );
}

/** Resolves once `check` holds (polling every 25 ms), or rejects naming `what`. */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
