import { expect, it } from 'vitest';
import { describePg } from './pg-env.js';
import { pgNodes } from './pg-systems.js';

const post = (url: string, stream: string, body: unknown) =>
  fetch(`${url}/api/v1/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describePg('PostgreSQL journal: hostile text in ids and types', () => {
  const { start } = pgNodes();

  it('ids with quotes, backslashes and SQL are stored and recognised as they are (a retry is not stored twice)', async () => {
    const { url } = await start({ cluster: false });
    const ids = [`it's`, 'back\\slash', `'); DROP TABLE events; --`, `E'\\x00'`, '"quoted"', 'ünïcødé 🎉'];
    for (const id of ids) {
      const first = await post(url, 'hostile', { events: [{ id, type: `type ${id}`, data: { id } }] });
      expect(first.status, id).toBe(201);
      const again = await post(url, 'hostile', { events: [{ id, type: `type ${id}`, data: { id } }] });
      expect(await again.json(), id).toEqual(await first.json());
    }
    const read = (await (await fetch(`${url}/api/v1/streams/hostile`)).json()) as { events: { id: string; type: string }[] };
    expect(read.events.map((e) => e.id)).toEqual(ids);
    expect(read.events.map((e) => e.type)).toEqual(ids.map((id) => `type ${id}`));
  });

  it('an id or type holding U+0000 (PostgreSQL text cannot) is refused alone with 400; the store stays ready', async () => {
    const { url, store, system } = await start({ cluster: false });
    const [bad, good] = await Promise.all([post(url, 'nul', { events: [{ id: 'a\u0000b', type: 't', data: 1 }] }), post(url, 'fine', { events: [{ type: 't', data: 'a\u0000b' }] })]);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'urn:overseer:problem:invalid_request', detail: expect.stringContaining('contains U+0000, which PostgreSQL text cannot store') });
    expect(good.status).toBe(201); // in data it is JSON-escaped, so it is stored and read back
    expect((await store.read('fine')).events[0]!.data).toBe('a\u0000b');
    const badType = await post(url, 'nul', { events: [{ type: 't\u0000', data: 1 }] });
    expect(badType.status).toBe(400);
    expect(system.status().children!.find((c) => c.id === 'persistence')).toMatchObject({ ready: true, restarts: 0 });
    expect((await store.read('nul')).version).toBe(-1);
  });
});
