/**
 * Erlang/OTP baselines from ../shared/anchors/erlang, run as a child process in the same
 * benchmark run (`+S 1`: one scheduler, the fair match for one Node thread). Unavailable
 * (null) when `erl` is not installed: `apt-get install -y erlang-base`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const anchors = resolve(here, '../../../shared/anchors/erlang');
const ebin = '/tmp/overseer-otp-bench';
let compiled: boolean | undefined;

function ready(): boolean {
  if (compiled !== undefined) return compiled;
  const erl = spawnSync('erl', ['-version'], { stdio: 'ignore' });
  if (erl.error || !existsSync(anchors)) return (compiled = false);
  mkdirSync(ebin, { recursive: true });
  const sources = readdirSync(anchors).filter((f) => f.endsWith('.erl')).map((f) => join(anchors, f));
  execFileSync('erlc', ['-o', ebin, ...sources], { stdio: 'ignore' });
  return (compiled = true);
}

interface ErlResult {
  runs_s: number[];
  cycle_p50_us?: number;
  cycle_p99_us?: number;
  mem_bytes_per_actor?: number;
}

/**
 * Runs one OTP bench (one measured run) and returns its per-operation figure: time per
 * operation, the restart cycle's median (`p50`), or bytes per spawned process (`memory`).
 */
export function erlang(bench: string, n: number, opts: string[] = [], pick: 'time' | 'p50' | 'memory' = 'time'): Measurement | null {
  if (!ready()) return null;
  const out = execFileSync('erl', ['+S', '1', '-noshell', '-noinput', '-pa', ebin, '-run', 'perf_bench', 'main', bench, String(n), '1', ...opts], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) return null;
  const r = JSON.parse(line.slice(7)) as ErlResult;
  if (pick === 'p50' && r.cycle_p50_us !== undefined) {
    return { value: r.cycle_p50_us * 1000, unit: 'ns', note: `p99 ${r.cycle_p99_us?.toFixed(1)} µs` };
  }
  if (pick === 'memory' && r.mem_bytes_per_actor !== undefined) return { value: r.mem_bytes_per_actor, unit: 'B' };
  return { value: (r.runs_s[0]! * 1e9) / n, unit: 'ns' };
}
