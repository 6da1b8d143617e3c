import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/index.js';
import type { System } from '../../../src/system/system.js';
import { nextEvent } from '../../support/eventstore.js';
import { describePg, pgUrl, rawClient } from './pg-env.js';
import { pgNodes } from './pg-systems.js';

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const persistenceFailed = (system: System, pattern: RegExp) =>
  nextEvent(system, 'subsystem_failed', (e: EventEnvelope) => {
    const d = e.data as { system: string; reason: string };
    return d.system === 'root/persistence' && pattern.test(d.reason);
  });

describePg('persistence on PostgreSQL: bad configuration', () => {
  const nodes = pgNodes();
  const { start } = nodes;

  it('an unreachable URL keeps persistence not ready, and /readyz?verbose says why', async () => {
    const url = `postgres://overseer:overseer@127.0.0.1:${await deadPort()}/postgres`;
    const { system, adminUrl } = await start({ persistence: { url }, cluster: false, ready: false, admin: true });
    const failed = await persistenceFailed(system, /ECONNREFUSED/);
    expect((failed.data as { reason: string }).reason).toMatch(/^cannot open the journal at 127\.0\.0\.1:\d+\/postgres: PostgreSQL unreachable: ECONNREFUSED/);
    const readyz = await fetch(`${adminUrl}/readyz?verbose`);
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).toMatch(/\[-\]root\/persistence not ready: cannot open the journal at .*ECONNREFUSED/);
    // Still trying, never crashed meanwhile (the readiness deadline has not passed).
    expect(system.status().children!.find((c) => c.id === 'persistence')).toMatchObject({ status: 'running', ready: false, restarts: 0 });
  });

  it('a wrong password is refused the same way, with PostgreSQL\'s own reason, and the password is not in it', async () => {
    const url = new URL(pgUrl());
    url.password = 'not-the-password';
    const { system } = await start({ persistence: { url: url.toString() }, cluster: false, ready: false });
    const failed = await persistenceFailed(system, /28P01/);
    const reason = (failed.data as { reason: string }).reason;
    expect(reason).toMatch(/PostgreSQL 28P01: password authentication failed for user "overseer"/);
    expect(reason).not.toContain('not-the-password');
  });

  it('a schema written by a newer overseer: persistence crashes with the reason (the supervisor decides), nothing is changed', async () => {
    const { system: first } = await start({ cluster: false });
    await first.stop();
    const schema = nodes.schema;
    const client = await rawClient();
    await client.query(`UPDATE "${schema}".schema_version SET version = 42`);
    try {
      const { system } = await start({ cluster: false, ready: false });
      const exited = await nextEvent(system, 'child_exited', (e) => (e.data as { path: string }).path === 'root/persistence');
      expect(exited.data).toMatchObject({ reason: 'error', error: expect.stringContaining(`PostgreSQL schema "${schema}" is at version 42, written by a newer overseer`) });
      const { rows } = await client.query(`SELECT version FROM "${schema}".schema_version`);
      expect(rows).toEqual([{ version: 42 }]);
    } finally {
      await client.query(`UPDATE "${schema}".schema_version SET version = 2`);
      await client.end();
    }
  });

  it('no URL at all (no url param, no OVERSEER_PG_URL): the actor cannot start, saying which to set, and the system gives up', async () => {
    const saved = process.env.OVERSEER_PG_URL;
    delete process.env.OVERSEER_PG_URL;
    try {
      const starting = start({ persistence: { url: undefined }, notification: { backend: 'local' }, cluster: false, ready: false });
      await expect(starting).rejects.toThrow(/last exit: "root\/persistence": backend postgres needs a connection URL: set params\.url or OVERSEER_PG_URL/);
    } finally {
      process.env.OVERSEER_PG_URL = saved;
    }
  });
});
