/**
 * The direct side of eventstore.bench.ts's HTTP-vs-direct row, in its own process like the
 * CLI it is compared with: systems/default.yaml through startSystem(), then, on "go" from
 * stdin, `writers` concurrent eventStore(system).append loops for `durationMs`. The parent
 * reads this process's CPU from /proc around that window, as it does for the CLI.
 */
import { eventStore, startSystem } from '../../dist/index.js';

const [writers, durationMs, dataDir] = process.argv.slice(2).map((a, i) => (i < 2 ? Number(a) : a));
const system = await startSystem({ spec: 'systems/default.yaml', admin: { port: 0 }, overrides: { dataDir, gatewayPort: 0 }, env: {} });
await system.ready({ timeoutMs: 10_000 });
const store = eventStore(system);
process.stdout.write('ready\n');

process.stdin.once('data', async () => {
  const latencies = [];
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < deadline) {
        const t0 = process.hrtime.bigint();
        await store.append('direct-bench', [{ type: 'written', data: { via: 'direct' } }]);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ appends: latencies.length, p99: latencies[Math.floor(latencies.length * 0.99)] })}\n`);
});
process.stdin.once('end', async () => {
  await system.stop();
  process.exit(0);
});
