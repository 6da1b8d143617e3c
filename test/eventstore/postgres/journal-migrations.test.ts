import { afterEach, expect, it } from 'vitest';
import { SchemaTooNewError, SCHEMA_VERSION } from '../../../src/eventstore/postgres/migrations.js';
import { describePg, dropSchemas, openPgJournal, rawClient, uniqueSchema } from './pg-env.js';

const T = '2026-01-01T00:00:00.000Z';
const schemas: string[] = [];
const fresh = () => {
  const s = uniqueSchema('mig');
  schemas.push(s);
  return s;
};
afterEach(() => dropSchemas(schemas.splice(0)));

describePg('postgres schema migrations', () => {
  it('creates the schema at the current version on first open, and opening again changes nothing', async () => {
    const schema = fresh();
    const j = await openPgJournal(schema);
    await j.appendBatch([{ stream: 's', expectedVersion: 'any', events: [{ type: 'a', data: 1 }] }], T);
    await j.close();
    const again = await openPgJournal(schema);
    expect(await again.head()).toBe(1);
    await again.close();
    const client = await rawClient();
    const { rows } = await client.query(`SELECT version FROM "${schema}".schema_version`);
    await client.end();
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it('upgrades a version-1 schema (journal only) in place: events kept, cluster tables added', async () => {
    const schema = fresh();
    const j = await openPgJournal(schema);
    await j.appendBatch([{ stream: 's', expectedVersion: 'any', events: [{ type: 'a', data: 1 }] }], T);
    await j.close();
    const client = await rawClient();
    await client.query(`DROP TABLE "${schema}".members; DROP TABLE "${schema}".leader; UPDATE "${schema}".schema_version SET version = 1`);
    const upgraded = await openPgJournal(schema);
    expect((await upgraded.readAll(1, 10)).map((e) => e.data)).toEqual([1]);
    await upgraded.close();
    const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
    const version = await client.query(`SELECT version FROM "${schema}".schema_version`);
    await client.end();
    expect(tables.rows.map((r) => r.table_name)).toEqual(['events', 'leader', 'members', 'probe', 'schema_version']);
    expect(version.rows).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it('refuses a schema written by a newer overseer, naming both versions, and changes nothing', async () => {
    const schema = fresh();
    await (await openPgJournal(schema)).close();
    const client = await rawClient();
    await client.query(`UPDATE "${schema}".schema_version SET version = 99`);
    const opening = openPgJournal(schema);
    await expect(opening).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(opening).rejects.toThrow(`PostgreSQL schema "${schema}" is at version 99, written by a newer overseer (this one knows versions up to ${SCHEMA_VERSION})`);
    const { rows } = await client.query(`SELECT version FROM "${schema}".schema_version`);
    await client.end();
    expect(rows).toEqual([{ version: 99 }]);
  });

  it('nodes starting together migrate once (the migration runs under a lock)', async () => {
    const schema = fresh();
    const journals = await Promise.all(Array.from({ length: 4 }, (_, n) => openPgJournal(schema, `n${n}`)));
    await Promise.all(journals.map((j) => j.close()));
    const client = await rawClient();
    const { rows } = await client.query(`SELECT version FROM "${schema}".schema_version`);
    await client.end();
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
  });
});
