/**
 * The benchmark harness: every scenario runs our code and its baseline in the same process,
 * interleaved run by run, and reports medians and the ratio ours / baseline (lower is better:
 * time or bytes per operation). `npm run bench` runs every `*.bench.ts` through run.ts.
 */

export interface Measurement {
  /** Per-operation value in `unit` (ns for time, bytes for memory). */
  value: number;
  unit: 'ns' | 'B';
  /** Extra figures worth printing (p99, totals). */
  note?: string;
}

export interface Case {
  label: string;
  /** Operations per run. */
  n: number;
  /**
   * Runs n operations. Return nothing to be timed by the harness (ns per op), or a
   * Measurement when the case measures itself (memory, percentiles, external processes).
   * Returning null marks the case unavailable (e.g. `erl` not installed).
   */
  run(n: number): Promise<Measurement | null | void> | Measurement | null | void;
}

export interface Scenario {
  name: string;
  ours: Case;
  baselines: Case[];
  /**
   * The target, as text and as a check on ratio = ours / baselines[i] (lower is better) or
   * on our own median (`ours`, in the case's unit) for absolute targets.
   */
  targets?: { baseline: string; text: string; ok(ratio: number, ours: number): boolean }[];
}

export interface ScenarioResult {
  name: string;
  rows: { label: string; median: Measurement | null }[];
  verdicts: { baseline: string; ratio: number; text: string; ok: boolean }[];
}


async function runOnce(c: Case): Promise<Measurement | null> {
  const t0 = process.hrtime.bigint();
  const m = await c.run(c.n);
  const elapsed = Number(process.hrtime.bigint() - t0);
  if (m === null) return null;
  return m ?? { value: elapsed / c.n, unit: 'ns' };
}

export async function runScenario(s: Scenario, runs = Number(process.env.BENCH_RUNS ?? 5)): Promise<ScenarioResult> {
  const cases = [s.ours, ...s.baselines];
  const samples: (Measurement | null)[][] = cases.map(() => []);
  // One warm-up round, then interleave so drift (GC, thermal, the other core) hits all alike.
  for (const c of cases) await runOnce(c);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < cases.length; i++) samples[i]!.push(await runOnce(cases[i]!));
  }
  const rows = cases.map((c, i) => {
    const ok = samples[i]!.filter((m): m is Measurement => m !== null);
    if (ok.length === 0) return { label: c.label, median: null };
    // The median run, with its own note (its p99, its rate), so value and note agree.
    const mid = [...ok].sort((a, b) => a.value - b.value)[Math.floor(ok.length / 2)]!;
    return { label: c.label, median: { value: mid.value, unit: mid.unit, note: mid.note } };
  });
  const verdicts = (s.targets ?? []).flatMap((t) => {
    const ours = rows[0]!.median;
    const base = rows.find((r) => r.label === t.baseline)?.median;
    if (!ours || !base) return [];
    const ratio = ours.value / base.value;
    return [{ baseline: t.baseline, ratio, text: t.text, ok: t.ok(ratio, ours.value) }];
  });
  return { name: s.name, rows, verdicts };
}

export function formatValue(m: Measurement | null): string {
  if (!m) return 'n/a';
  if (m.unit === 'B') return m.value >= 1024 ? `${(m.value / 1024).toFixed(2)} KiB` : `${m.value.toFixed(0)} B`;
  const ns = m.value;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

export function formatResults(results: ScenarioResult[]): string {
  const lines = ['| scenario | implementation | median per op | ours ÷ this | target | met |', '|---|---|---|---|---|---|'];
  for (const r of results) {
    const ours = r.rows[0]?.median ?? null;
    for (const row of r.rows) {
      // A baseline may carry several targets (one per issue): one cell each, joined.
      const vs = r.verdicts.filter((x) => x.baseline === row.label);
      const ratio = row === r.rows[0] || !ours || !row.median ? '' : `${(ours.value / row.median.value).toFixed(2)}×`;
      const extra = row.median?.note ? ` (${row.median.note})` : '';
      const target = vs.map((v) => v.text).join('; ');
      const met = vs.map((v) => (v.ok ? 'yes' : 'NO')).join('; ');
      lines.push(`| ${r.name} | ${row.label} | ${formatValue(row.median)}${extra} | ${ratio} | ${target} | ${met} |`);
    }
  }
  return lines.join('\n');
}

/** Times the measured part of a run (setup and teardown stay outside) in ns per operation. */
export async function perOp(count: number, body: () => unknown): Promise<Measurement> {
  const t0 = process.hrtime.bigint();
  await body();
  return { value: Number(process.hrtime.bigint() - t0) / count, unit: 'ns' };
}

/** Run an actor-ish workload until a condition holds, yielding to microtasks/macrotasks. */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((r) => setImmediate(r));
}
