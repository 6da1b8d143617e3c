/**
 * A PostgreSQL server of a test's own (scripts/dev-postgres.sh), for drills that stop and
 * start the server: the shared one (OVERSEER_PG_URL) must stay up for every other test.
 * Needs the server binaries (/usr/lib/postgresql/<v>/bin, or PGBIN); .ci/run installs them.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../scripts/dev-postgres.sh', import.meta.url));

/** Whether a private server can be started here. */
export function serverBinariesPresent(): boolean {
  if (process.env.PGBIN) return existsSync(`${process.env.PGBIN}/initdb`);
  if (!existsSync('/usr/lib/postgresql')) return false;
  return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
}

export interface PrivateServer {
  readonly url: string;
  /** Stops the server (fast shutdown: sessions are cut), data kept. */
  down(): Promise<void>;
  /** Starts it again on the same port. */
  up(): Promise<void>;
  /** Stops it and deletes its directory. */
  remove(): Promise<void>;
}

export async function startPrivateServer(): Promise<PrivateServer> {
  const { stdout } = await run(SCRIPT, [], { timeout: 60_000 });
  const url = stdout.trim();
  const call = async (verb: string) => void (await run(SCRIPT, [verb, url], { timeout: 60_000 }));
  return { url, down: () => call('down'), up: () => call('up'), remove: () => call('stop') };
}
