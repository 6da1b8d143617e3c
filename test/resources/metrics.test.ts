import { describe, expect, it } from 'vitest';
import { defineController } from '../../src/index.js';
import { resourceSystems, until } from './support.js';

const start = resourceSystems({ admin: true });

describe('controller metrics', () => {
  it('serves reconcile counts by result, durations and workqueue figures under controller-runtime names', async () => {
    let calls = 0;
    const { api, system } = await start({
      children: [{ id: 'labs', behaviour: 'labs', params: { kind: 'LabInstance', maxConcurrentReconciles: 3, resyncPeriodMs: 0 } }],
      behaviours: {
        labs: defineController({
          reconcile: (r) => {
            calls++;
            if (r.metadata.name === 'bad') throw new Error('no');
            return r.metadata.name === 'later' ? { requeueAfterMs: 60_000 } : undefined;
          },
        }),
      },
    });
    for (const name of ['ok', 'bad', 'later']) await api.create('LabInstance', { metadata: { name }, spec: { image: 'x' } });
    await until(() => calls >= 3);
    const scrape = async () => (await fetch(`${system.adminUrl}/metrics`)).text();
    await until(async () => /controller_runtime_reconcile_total\{controller="root\/labs",result="error"\} 1/.test(await scrape()));
    const text = await scrape();
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="root\/labs",result="success"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="root\/labs",result="requeue_after"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_errors_total\{controller="root\/labs"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_time_seconds_count\{controller="root\/labs"\} 3/);
    expect(text).toMatch(/workqueue_depth\{name="root\/labs"\} 0/);
    expect(text).toMatch(/workqueue_adds_total\{name="root\/labs"\} 3/);
    expect(text).toMatch(/workqueue_retries_total\{name="root\/labs"\} 1/);
    expect(text).toMatch(/controller_runtime_max_concurrent_reconciles\{controller="root\/labs"\} 3/);
    expect(text).toMatch(/controller_runtime_active_workers\{controller="root\/labs"\} 0/);
  });
});
