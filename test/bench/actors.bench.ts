/**
 * Runtime core benchmarks: message throughput into a supervised actor, spawn cost and
 * memory per actor, crash → fresh child running. Baselines: the same logic as a raw XState
 * actor, and Erlang/OTP (+S 1) where `erl` is installed.
 */
import { createActor } from 'xstate';
import type { Scenario } from './harness.js';
import { erlang } from './erlang.js';
import { benchSystem, callbackWorker, cellOf, counterCallback, counterMachine, gc, machineWorker, rawActor } from './fixtures.js';

const within = (x: number) => (r: number) => r <= x;

function throughput(name: string, kind: 'machine' | 'callback', n: number, withErlang: boolean): Scenario {
  const logic = kind === 'machine' ? counterMachine : counterCallback;
  return {
    name,
    ours: {
      label: 'overseer system.send',
      n,
      async run(count) {
        const system = await benchSystem([kind === 'machine' ? machineWorker('w') : callbackWorker('w')]);
        const msg = { type: 'inc' };
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < count; i++) system.send('root/w', msg);
        const ns = Number(process.hrtime.bigint() - t0);
        await system.stop();
        return { value: ns / count, unit: 'ns' };
      },
    },
    baselines: [
      {
        label: 'raw XState actor.send',
        n,
        run(count) {
          const actor = rawActor(logic);
          const msg = { type: 'inc' };
          const t0 = process.hrtime.bigint();
          for (let i = 0; i < count; i++) actor.send(msg);
          const ns = Number(process.hrtime.bigint() - t0);
          actor.stop();
          return { value: ns / count, unit: 'ns' };
        },
      },
      ...(withErlang ? [{ label: 'Erlang/OTP +S 1', n, run: (count: number) => erlang('throughput', count) }] : []),
    ],
    targets: [
      { baseline: 'raw XState actor.send', text: '≥ 0.8× raw throughput (time ≤ 1.25×)', ok: within(1.25) },
      ...(withErlang ? [{ baseline: 'Erlang/OTP +S 1', text: 'goal (issue 6): ≥ 1.0× OTP', ok: within(1.0) }] : []),
    ],
  };
}

const spawnN = 20_000;
const spawn: Scenario = {
  name: 'spawn + start, per actor (machine)',
  ours: {
    label: 'overseer supervised child',
    n: spawnN,
    async run(count) {
      const specs = Array.from({ length: count }, (_, i) => machineWorker(`w${i}`));
      const t0 = process.hrtime.bigint();
      const system = await benchSystem(specs);
      const ns = Number(process.hrtime.bigint() - t0);
      await system.stop();
      return { value: ns / count, unit: 'ns' };
    },
  },
  baselines: [
    {
      label: 'raw createActor().start()',
      n: spawnN,
      run(count) {
        const actors = [];
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < count; i++) actors.push(createActor(counterMachine).start());
        const ns = Number(process.hrtime.bigint() - t0);
        for (const a of actors) a.stop();
        return { value: ns / count, unit: 'ns' };
      },
    },
  ],
  targets: [{ baseline: 'raw createActor().start()', text: '≤ 1.2× raw', ok: within(1.2) }],
};

const memN = 20_000;
const memory: Scenario = {
  name: 'memory per idle actor (machine)',
  ours: {
    label: 'overseer supervised child',
    n: memN,
    async run(count) {
      const specs = Array.from({ length: count }, (_, i) => machineWorker(`w${i}`));
      gc();
      const before = process.memoryUsage().heapUsed;
      const system = await benchSystem(specs);
      gc();
      const bytes = (process.memoryUsage().heapUsed - before) / count;
      await system.stop();
      return { value: bytes, unit: 'B' };
    },
  },
  baselines: [
    {
      label: 'raw createActor().start()',
      n: memN,
      run(count) {
        gc();
        const before = process.memoryUsage().heapUsed;
        const actors = Array.from({ length: count }, () => createActor(counterMachine).start());
        gc();
        const bytes = (process.memoryUsage().heapUsed - before) / count;
        for (const a of actors) a.stop();
        return { value: bytes, unit: 'B' };
      },
    },
  ],
  targets: [{ baseline: 'raw createActor().start()', text: '≤ 5 KiB per actor', ok: (_r, ours) => ours <= 5 * 1024 }],
};

const restartN = 5000;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;

const restart: Scenario = {
  name: 'crash → fresh child running (one_for_one, p50)',
  ours: {
    label: 'overseer supervisor',
    n: restartN,
    async run(count) {
      const system = await benchSystem([machineWorker('w')]);
      const cell = cellOf(system, 'root/w');
      const lat: number[] = [];
      for (let i = 0; i < count; i++) {
        const before = cell.instance;
        const t0 = process.hrtime.bigint();
        cell.send({ type: 'crash' });
        while (cell.instance === before || !cell.running) await Promise.resolve();
        lat.push(Number(process.hrtime.bigint() - t0));
      }
      await system.stop();
      return { value: p50(lat), unit: 'ns', note: `p99 ${(p99(lat) / 1000).toFixed(1)} µs` };
    },
  },
  baselines: [
    {
      label: 'raw XState error observer → createActor',
      n: restartN,
      run(count) {
        const lat: number[] = [];
        let actor: ReturnType<typeof createActor<typeof counterMachine>>;
        let restarted = false;
        const spawn = () => {
          actor = createActor(counterMachine);
          actor.subscribe({ error: () => ((restarted = true), spawn()) });
          actor.start();
        };
        spawn();
        for (let i = 0; i < count; i++) {
          restarted = false;
          const t0 = process.hrtime.bigint();
          actor!.send({ type: 'crash' });
          if (!restarted) throw new Error('baseline did not restart');
          lat.push(Number(process.hrtime.bigint() - t0));
        }
        actor!.stop();
        return { value: p50(lat), unit: 'ns', note: `p99 ${(p99(lat) / 1000).toFixed(1)} µs` };
      },
    },
    { label: 'Erlang/OTP supervisor +S 1', n: restartN, run: (count) => erlang('restart', count, ['100', 'quiet'], 'p50') },
  ],
  targets: [
    { baseline: 'raw XState error observer → createActor', text: '≥ 3× faster (≤ 0.33×)', ok: within(1 / 3) },
    { baseline: 'Erlang/OTP supervisor +S 1', text: 'goal: ≤ 2× OTP', ok: within(2) },
  ],
};

export const scenarios: Scenario[] = [
  throughput('send → supervised machine', 'machine', 200_000, false),
  throughput('send → supervised fromCallback', 'callback', 1_000_000, true),
  spawn,
  memory,
  restart,
];
