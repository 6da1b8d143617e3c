/**
 * Pipeline link throughput (issue 13): a producer hands 100k messages to one consumer with
 * `runtimeOf(self).output` (through the consumer's mailbox, backpressure on a full one and
 * resumed on `overseer.drain`), against a plain `send` between the same two actors, in a tree
 * started with startSystem (control plane in it). Timed until the consumer has counted them all.
 */
import { fromCallback } from 'xstate';
import { runtimeOf, startSystem, type System } from '../../dist/index.js';
import type { Scenario } from './harness.js';

const CONSUMER = 'root/line/consumer';
const MESSAGE = Object.freeze({ type: 'item' });

let received = 0;
let target = 0;
let done: (() => void) | undefined;

const consumer = fromCallback(({ receive }) => {
  receive(() => {
    if (++received === target) done?.();
  });
});

/** On `burst`, sends `n` messages by `mode`: output (waits for overseer.drain when refused) or plain send. */
const producer = fromCallback<{ type: string; n?: number; mode?: 'output' | 'send' }>(({ self, receive }) => {
  const rt = runtimeOf(self);
  let left = 0;
  let mode: 'output' | 'send' = 'output';
  const pump = () => {
    if (mode === 'send') for (; left > 0; left--) rt.send(CONSUMER, MESSAGE);
    else for (; left > 0; left--) if (!rt.output(MESSAGE)) return;
  };
  receive((event) => {
    if (event.type === 'burst') {
      left = event.n!;
      mode = event.mode!;
      pump();
    } else if (event.type === 'overseer.drain') pump();
  });
});

let system: System | undefined;
async function line(): Promise<System> {
  if (!system) {
    const spec = {
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'bench' },
      spec: {
        node: 'bench',
        dataDir: '/tmp',
        children: [{ id: 'line', children: [{ id: 'consumer', behaviour: 'consumer', inputs: ['producer'] }, { id: 'producer', behaviour: 'producer' }] }],
      },
    };
    system = await startSystem({ spec, behaviours: { consumer, producer }, admin: false, env: {} });
    await system.ready({ timeoutMs: 60_000 });
  }
  return system;
}

function burst(mode: 'output' | 'send') {
  return async (n: number) => {
    const s = await line();
    received = 0;
    target = n;
    const finished = new Promise<void>((resolve) => (done = resolve));
    s.send('root/line/producer', { type: 'burst', n, mode });
    await finished;
  };
}

const N = 100_000;
export const scenarios: Scenario[] = [
  {
    name: `pipeline link, ${N / 1000}k messages producer → consumer (per message)`,
    ours: { label: 'runtimeOf(self).output(message) over an inputs: link', n: N, run: burst('output') },
    baselines: [{ label: 'runtimeOf(self).send(path, message) between the same actors', n: N, run: burst('send') }],
    // ≥ 0.8× the throughput of a plain send = at most 1.25× its time per message.
    targets: [{ baseline: 'runtimeOf(self).send(path, message) between the same actors', text: 'issue 13: throughput ≥ 0.8× plain send', ok: (r) => r <= 1.25 }],
  },
];
