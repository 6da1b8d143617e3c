/**
 * Runs the built CLI in a child process for benchmarks (so a load generator in this process
 * does not share the server's thread), on free ports and a throwaway data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/overseer.mjs', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  /** URLs logged so far, by log message ('admin endpoint listening', 'gateway listening'). */
  urls: Map<string, string>;
  t0: bigint;
}

/** Starts the default system; resolves once the line `until` (a log msg carrying a url) appeared. */
export function startCli(until = 'admin endpoint listening'): Promise<CliProcess> {
  const t0 = process.hrtime.bigint();
  const dataDir = mkdtempSync(join(tmpdir(), 'overseer-bench-'));
  const args = [CLI, 'start', 'systems/default.yaml', '--port', '0', '--gateway-port', '0', '--data-dir', dataDir];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const urls = new Map<string, string>();
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /"url":"(http:\/\/[^"]+)".*"msg":"([^"]+)"/.exec(line);
        if (m) urls.set(m[2]!, m[1]!);
        if (urls.has(until)) resolve({ child, urls, t0 });
      }
    });
    child.on('exit', (code) => reject(new Error(`overseer exited ${code}`)));
  });
}

export async function stopCli(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** CPU time (user + system) the process `pid` has used so far, in µs, from /proc (Linux). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15 of the line
  return (ticks * 1e6) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux
