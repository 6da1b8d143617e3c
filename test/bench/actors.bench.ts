/**
 * Runtime core benchmarks: message throughput into a supervised actor, ask round trip, spawn
 * cost, memory per idle actor, crash → fresh child running. Ours runs through the public API
 * (startSystem, system.send/ask/ref, system.events) with the control plane in the tree;
 * baselines: the same logic as a raw XState actor, nact 7, and Erlang/OTP (+S 1) if installed.
 */
import { createActor, type AnyActorLogic } from 'xstate';
import { perOp, type Case, type Scenario } from './harness.js';
import { erlang } from './erlang.js';
import { benchSystem, callbackWorker, cellOf, counterCallback, counterMachine, gc, machineWorker, pool, preparedSystem, rawActor } from './fixtures.js';
import { nactRoundTrip, nactSpawn, nactThroughput } from './nact.js';

const within = (x: number) => (r: number) => r <= x;
type Kind = 'machine' | 'callback';
const logicOf = (kind: Kind): AnyActorLogic => (kind === 'machine' ? counterMachine : counterCallback);
const workerOf = (kind: Kind) => (kind === 'machine' ? machineWorker : callbackWorker);

const RAW_SEND = 'raw XState actor.send';
const NACT = 'nact 7';
const OTP = 'Erlang/OTP +S 1';

/** One sender → one supervised actor, through a `system.ref` handle (like an Erlang pid) or by path. */
function supervisedSend(kind: Kind, n: number, via: 'ref' | 'path'): Case {
  return {
    label: via === 'ref' ? 'overseer ref.send (handle)' : 'overseer system.send (by path)',
    n,
    async run(count) {
      const system = await benchSystem([workerOf(kind)('w')]);
      const msg = { type: 'inc' };
      const ref = system.ref('root/w');
      const measured = await perOp(count, () => {
        if (via === 'ref') for (let i = 0; i < count; i++) ref.send(msg);
        else for (let i = 0; i < count; i++) system.send('root/w', msg);
      });
      await system.stop();
      return measured;
    },
  };
}

function throughput(name: string, kind: Kind, n: number): Scenario {
  const machine = kind === 'machine';
  return {
    name,
    ours: supervisedSend(kind, n, 'ref'),
    baselines: [
      supervisedSend(kind, n, 'path'),
      {
        label: RAW_SEND,
        n,
        async run(count) {
          const actor = rawActor(logicOf(kind));
          const msg = { type: 'inc' };
          const measured = await perOp(count, () => {
            for (let i = 0; i < count; i++) actor.send(msg);
          });
          actor.stop();
          return measured;
        },
      },
      { label: NACT, n: Math.min(n, 200_000), run: nactThroughput },
      ...(machine ? [] : [{ label: OTP, n, run: (count: number) => erlang('throughput', count) }]),
    ],
    targets: machine
      ? [{ baseline: RAW_SEND, text: 'issue 6: ≥ 0.9× raw throughput (time ≤ 1.11×)', ok: within(1 / 0.9) }]
      : [
          { baseline: RAW_SEND, text: 'issue 2: ≥ 0.8× raw throughput (time ≤ 1.25×)', ok: within(1.25) },
          { baseline: OTP, text: 'issue 6: ≥ 1.0× OTP throughput', ok: within(1.0) },
        ],
  };
}

const askN = 200_000;
const roundTrip: Scenario = {
  name: 'ask round trip → supervised fromCallback',
  ours: {
    label: 'overseer system.ask (5 s timeout)',
    n: askN,
    async run(count) {
      const system = await benchSystem([callbackWorker('w')]);
      const msg = { type: 'ping' };
      const measured = await perOp(count, async () => {
        for (let i = 0; i < count; i++) await system.ask('root/w', msg);
      });
      await system.stop();
      return measured;
    },
  },
  baselines: [
    {
      label: 'raw XState send + promise (no timeout)',
      n: askN,
      async run(count) {
        const actor = rawActor(counterCallback);
        const measured = await perOp(count, async () => {
          for (let i = 0; i < count; i++) await new Promise((resolve) => actor.send({ type: 'ping', replyTo: { send: resolve } }));
        });
        actor.stop();
        return measured;
      },
    },
    { label: NACT, n: 20_000, run: nactRoundTrip },
    { label: OTP, n: askN, run: (count) => erlang('pingpong', count) },
  ],
  targets: [{ baseline: OTP, text: 'issue 6: ≤ 1.0× OTP round trip', ok: within(1.0) }],
};

const spawnN = 20_000;
const RAW_SPAWN = 'raw createActor().start()';
const spawn: Scenario = {
  name: 'spawn + start, per actor (machine)',
  ours: {
    label: 'overseer startSystem() → ready, under root/pool (config validated, control plane)',
    n: spawnN,
    async run(count) {
      const specs = [pool(Array.from({ length: count }, (_, i) => machineWorker(`w${i}`)))];
      let system: Awaited<ReturnType<typeof benchSystem>> | undefined;
      const measured = await perOp(count, async () => (system = await benchSystem(specs)));
      await system!.stop();
      return measured;
    },
  },
  baselines: [
    {
      // The loader's share: the same spec and control plane, validated before the clock starts.
      label: 'same, config validated before timing (tree start → ready only)',
      n: spawnN,
      async run(count) {
        const prepared = preparedSystem([pool(Array.from({ length: count }, (_, i) => machineWorker(`w${i}`)))]);
        const spec = await prepared.load();
        let system: Awaited<ReturnType<typeof benchSystem>> | undefined;
        const measured = await perOp(count, async () => (system = await prepared.start(spec)));
        await system!.stop();
        return measured;
      },
    },
    {
      label: RAW_SPAWN,
      n: spawnN,
      async run(count) {
        const actors: ReturnType<typeof createActor>[] = [];
        const measured = await perOp(count, () => {
          for (let i = 0; i < count; i++) actors.push(createActor(counterMachine).start());
        });
        for (const a of actors) a.stop();
        return measured;
      },
    },
    { label: NACT, n: spawnN, run: (count) => nactSpawn(count, 'time') },
  ],
  targets: [{ baseline: RAW_SPAWN, text: 'issue 2: ≤ 1.2× raw', ok: within(1.2) }],
};

const memN = 20_000;
/** Heap growth per supervised idle actor (the config object is built before the first reading; the spec the system keeps is counted). */
function supervisedMemory(kind: Kind): Case {
  return {
    label: 'overseer supervised child (startSystem, under root/pool)',
    n: memN,
    async run(count) {
      const specs = [pool(Array.from({ length: count }, (_, i) => workerOf(kind)(`w${i}`)))];
      gc();
      const before = process.memoryUsage().heapUsed;
      const system = await benchSystem(specs);
      gc();
      const bytes = (process.memoryUsage().heapUsed - before) / count;
      await system.stop();
      return { value: bytes, unit: 'B' };
    },
  };
}

function rawMemory(kind: Kind): Case {
  return {
    label: `raw createActor(${kind === 'machine' ? 'machine' : 'fromCallback'}).start()`,
    n: memN,
    run(count) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const actors = Array.from({ length: count }, () => createActor(logicOf(kind)).start());
      gc();
      const bytes = (process.memoryUsage().heapUsed - before) / count;
      for (const a of actors) a.stop();
      return { value: bytes, unit: 'B' };
    },
  };
}

const memoryMachine: Scenario = {
  name: 'memory per idle actor (machine)',
  ours: supervisedMemory('machine'),
  baselines: [rawMemory('machine')],
  targets: [{ baseline: rawMemory('machine').label, text: 'issue 2: ≤ 5 KiB per actor', ok: (_r, ours) => ours <= 5 * 1024 }],
};

const memoryCallback: Scenario = {
  name: 'memory per idle actor (fromCallback)',
  ours: supervisedMemory('callback'),
  baselines: [
    rawMemory('callback'),
    { label: NACT, n: memN, run: (count) => nactSpawn(count, 'memory') },
    { label: OTP, n: memN, run: (count) => erlang('spawn', count, [], 'memory') },
  ],
  targets: [{ baseline: OTP, text: 'issue 6: ≤ 1.5× an Erlang process', ok: within(1.5) }],
};

const restartN = 5000;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;
const latency = (lat: number[]) => ({ value: p50(lat), unit: 'ns' as const, note: `p99 ${(p99(lat) / 1000).toFixed(1)} µs` });
const RAW_RESTART = 'raw XState actor.send → error observer → createActor().start() (sync)';
const OTP_RESTART = 'Erlang/OTP supervisor +S 1';

/**
 * As a user sees a restart: `system.send(path, crash)`, then a bus handler on `child_started`
 * for that path resolves the wait. Includes the bus's microtask drain and the control plane's
 * readiness work on the same events (the worker is a root child: readiness-required, as the
 * config makes it by default, so each crash degrades and then recovers the system).
 */
function publicRestart(kind: Kind, crash: string): Case {
  return {
    label: 'overseer system.send → bus handler on child_started (public API)',
    n: restartN,
    async run(count) {
      const system = await benchSystem([workerOf(kind)('w')]);
      let started: (() => void) | undefined;
      const sub = system.events.subscribe('bench-restarts', {
        types: ['child_started'],
        lateJoin: true,
        handler: (e) => {
          if (e.data.path === 'root/w') started?.();
        },
      });
      const msg = { type: crash };
      const lat: number[] = [];
      for (let i = 0; i < count; i++) {
        const fresh = new Promise<void>((resolve) => (started = resolve));
        const t0 = process.hrtime.bigint();
        system.send('root/w', msg);
        await fresh;
        lat.push(Number(process.hrtime.bigint() - t0));
      }
      sub.unsubscribe();
      await system.stop();
      return latency(lat);
    },
  };
}

/** The supervisor's own latency: polls the cell's instance id from microtasks (no bus, not public). */
function probedRestart(kind: Kind, crash: string): Case {
  return {
    label: 'overseer, internal probe (polls the cell, no bus; not public API)',
    n: restartN,
    async run(count) {
      const system = await benchSystem([workerOf(kind)('w')]);
      const cell = cellOf(system, 'root/w');
      const lat: number[] = [];
      for (let i = 0; i < count; i++) {
        const before = cell.instance;
        const t0 = process.hrtime.bigint();
        cell.send({ type: crash });
        while (cell.instance === before || !cell.running) await Promise.resolve();
        lat.push(Number(process.hrtime.bigint() - t0));
      }
      await system.stop();
      return latency(lat);
    },
  };
}

/**
 * `crash` throws `new Error()` (the JS idiom); `crash_preallocated` throws a prepared error,
 * as Erlang's `erlang:error(crash)` raises an atom without building a stack trace.
 */
function restart(kind: Kind, crash: 'crash' | 'crash_preallocated'): Scenario {
  const logic = logicOf(kind);
  const how = crash === 'crash' ? 'new Error()' : 'preallocated error';
  return {
    name: `crash → fresh child running (one_for_one, ${kind === 'machine' ? 'machine' : 'fromCallback'}, ${how}, p50)`,
    ours: publicRestart(kind, crash),
    baselines: [
      probedRestart(kind, crash),
      {
        label: RAW_RESTART,
        n: restartN,
        run(count) {
          const lat: number[] = [];
          let actor: ReturnType<typeof createActor<AnyActorLogic>>;
          let restarted = false;
          const spawnOne = () => {
            actor = createActor(logic);
            actor.subscribe({ error: () => ((restarted = true), spawnOne()) });
            actor.start();
          };
          spawnOne();
          for (let i = 0; i < count; i++) {
            restarted = false;
            const t0 = process.hrtime.bigint();
            actor!.send({ type: crash });
            if (!restarted) throw new Error('baseline did not restart');
            lat.push(Number(process.hrtime.bigint() - t0));
          }
          actor!.stop();
          return latency(lat);
        },
      },
      { label: OTP_RESTART, n: restartN, run: (count) => erlang('restart', count, ['100', 'quiet'], 'p50') },
    ],
    targets: [
      { baseline: RAW_RESTART, text: 'issue 12: ≤ 1.5× raw through the public API', ok: within(1.5) },
      ...(kind === 'machine' ? [{ baseline: RAW_RESTART, text: 'issue 2: ≥ 3× faster (≤ 0.33×)', ok: within(1 / 3) }] : []),
      { baseline: OTP_RESTART, text: 'issue 6: ≤ 2× OTP', ok: within(2) },
    ],
  };
}

export const scenarios: Scenario[] = [
  throughput('send → supervised machine', 'machine', 200_000),
  throughput('send → supervised fromCallback', 'callback', 1_000_000),
  roundTrip,
  spawn,
  memoryMachine,
  memoryCallback,
  restart('machine', 'crash'),
  restart('callback', 'crash'),
  restart('callback', 'crash_preallocated'),
];
