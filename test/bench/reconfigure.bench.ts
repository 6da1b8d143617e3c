/**
 * Live reconfiguration (issue 13) in a 10k-actor tree started with startSystem (control plane
 * in it): `apply()` of the unchanged spec (diffing only, nothing restarts) against validating
 * the same spec alone; a params update of one actor against terminate + restart of that actor.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type System } from '../../dist/index.js';
import { benchConfig, counterCallback, counterMachine, type BenchChild } from './fixtures.js';
import type { Scenario } from './harness.js';

const ACTORS = 10_000;
const BEHAVIOURS = { machine: counterMachine, callback: counterCallback };
const pool = (): BenchChild[] => [{ id: 'pool', start: 'parallel', intensity: { maxRestarts: 1e9, periodMs: 1000 }, children: Array.from({ length: ACTORS }, (_, i) => ({ id: `w${i}`, behaviour: 'callback' as const })) }];
const config = () => ({ ...benchConfig(pool()), spec: { ...(benchConfig(pool()).spec as object), dataDir: mkdtempSync(join(tmpdir(), 'overseer-bench-reconf-')) } });

let shared: { system: System; spec: Record<string, unknown> } | undefined;
async function tree() {
  if (!shared) {
    const spec = config();
    const system = await startSystem({ spec, behaviours: BEHAVIOURS, admin: false, env: {} });
    await system.ready({ timeoutMs: 120_000 });
    shared = { system, spec };
  }
  return shared;
}

const within = (x: number) => (r: number) => r <= x;

const unchangedApply: Scenario = {
  name: `apply() of the unchanged spec, ${ACTORS / 1000}k actors (per apply)`,
  ours: {
    label: 'system.apply(same spec)',
    n: 1,
    async run() {
      const { system, spec } = await tree();
      const result = await system.apply(spec);
      if (result.added.length + result.removed.length + result.restarted.length + result.updatedLive.length > 0 || result.unchanged.length < ACTORS) throw new Error(`apply changed something: ${JSON.stringify({ ...result, unchanged: result.unchanged.length })}`);
    },
  },
  baselines: [
    {
      label: 'validating the same spec alone (startSystem of an empty tree would add more)',
      n: 1,
      async run() {
        const { loadSpecObject } = await import('../../dist/index.js');
        const { spec } = await tree();
        await loadSpecObject(spec, { behaviours: new Set(['machine', 'callback', 'control-plane']), env: {} });
      },
    },
  ],
  targets: [{ baseline: 'validating the same spec alone (startSystem of an empty tree would add more)', text: 'issue 13: ≤ 50 ms per apply', ok: (_r, ours) => ours <= 50e6 }],
};

let n = 0;
const paramsUpdate: Scenario = {
  name: `params update of one actor in a ${ACTORS / 1000}k-actor tree (per update)`,
  ours: {
    label: 'system.updateParams(path, patch) → restarted',
    n: 200,
    async run(count) {
      const { system } = await tree();
      for (let i = 0; i < count; i++) await system.updateParams('root/pool/w5000', { n: ++n });
    },
  },
  baselines: [
    {
      label: 'terminateChild + restartChild of the same actor',
      n: 200,
      async run(count) {
        const { system } = await tree();
        for (let i = 0; i < count; i++) {
          await system.terminateChild('root/pool/w5001');
          await system.restartChild('root/pool/w5001');
        }
      },
    },
  ],
  targets: [{ baseline: 'terminateChild + restartChild of the same actor', text: 'issue 13: ≤ 2× restarting that actor alone', ok: within(2) }],
};

export const scenarios: Scenario[] = [unchangedApply, paramsUpdate];
