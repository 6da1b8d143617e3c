import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import { nextEvent, storeSystems } from '../support/eventstore.js';

const start = storeSystems();

const json = { 'content-type': 'application/json' };
const post = (url: string, body: unknown, raw = false) => fetch(url, { method: 'POST', headers: json, body: raw ? (body as string) : JSON.stringify(body) });

/** Reads SSE messages until `count` arrived; returns them as { id, data }. */
async function readSse(url: string, count: number, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const decoder = new TextDecoder();
  const out: { id: number; data: Record<string, unknown> }[] = [];
  let buffer = '';
  const reader = res.body!.getReader();
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id !== undefined && data !== undefined) out.push({ id: Number(id), data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  controller.abort();
  return out;
}

describe('gateway: the HTTP API', () => {
  it('appends, reads a stream with an ETag, lists streams and reads $all', async () => {
    const { url } = await start();
    const created = await post(`${url}/api/v1/streams/orders-1`, { expectedVersion: 'no_stream', events: [{ type: 'placed', data: { sku: 'A1' }, metadata: { by: 'test' } }] });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/streams/orders-1');
    expect(await created.json()).toEqual({ nextExpectedVersion: 0, position: 1 });
    await post(`${url}/api/v1/streams/orders-2`, { events: [{ type: 'placed', data: {} }, { type: 'paid', data: {} }] });

    const read = await fetch(`${url}/api/v1/streams/orders-1`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"0"');
    expect(await read.json()).toMatchObject({ stream: 'orders-1', version: 0, events: [{ stream: 'orders-1', version: 0, position: 1, type: 'placed', data: { sku: 'A1' }, metadata: { by: 'test' } }] });
    expect((await fetch(`${url}/api/v1/streams/orders-1`, { headers: { 'if-none-match': '"0"' } })).status).toBe(304);

    const backward = (await (await fetch(`${url}/api/v1/streams/orders-2?direction=backward&limit=1`)).json()) as { events: { type: string }[] };
    expect(backward.events.map((e) => e.type)).toEqual(['paid']);
    expect(await (await fetch(`${url}/api/v1/streams`)).json()).toEqual({ streams: [{ stream: 'orders-1', version: 0, position: 1 }, { stream: 'orders-2', version: 1, position: 3 }] });
    const all = (await (await fetch(`${url}/api/v1/all?from=2&limit=10`)).json()) as { events: { position: number }[]; head: number };
    expect(all.events.map((e) => e.position)).toEqual([2, 3]);
    expect(all.head).toBe(3);
  });

  it('answers a version conflict with 409 carrying expected and actual', async () => {
    const { url } = await start();
    await post(`${url}/api/v1/streams/s`, { events: [{ type: 'a', data: 1 }] });
    const res = await post(`${url}/api/v1/streams/s`, { expectedVersion: 5, events: [{ type: 'b', data: 2 }] });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: 'urn:overseer:problem:wrong_expected_version', status: 409, stream: 's', expected: 5, actual: 0 });
  });

  it('bad input: each gets its 4xx problem+json, and the server stays up and ready', async () => {
    const { url, system } = await start({ gatewayParams: { bodyLimit: 2048 } });
    const s = `${url}/api/v1/streams/s`;
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['invalid JSON', () => post(s, '{"events": [', true), 400, 'invalid_json'],
      ['empty body', () => post(s, '', true), 400, 'invalid_json'],
      ['body not an object', () => post(s, [1, 2]), 400, 'invalid_request'],
      ['wrong types', () => post(s, { events: [{ type: 7, data: {} }] }), 400, 'invalid_request'],
      ['events not a list', () => post(s, { events: 'many' }), 400, 'invalid_request'],
      ['missing events', () => post(s, { expectedVersion: 'any' }), 400, 'invalid_request'],
      ['empty list', () => post(s, { events: [] }), 400, 'invalid_request'],
      ['unknown body key', () => post(s, { events: [{ type: 'a', data: 1 }], stream: 'x' }), 400, 'invalid_request'],
      ['bad expectedVersion', () => post(s, { expectedVersion: 'latest', events: [{ type: 'a', data: 1 }] }), 400, 'invalid_request'],
      ['bad stream name', () => post(`${url}/api/v1/streams/a%20b`, { events: [{ type: 'a', data: 1 }] }), 400, 'invalid_stream_name'],
      ['$-prefixed stream', () => post(`${url}/api/v1/streams/%24system`, { events: [{ type: 'a', data: 1 }] }), 400, 'reserved_stream_name'],
      ['too long stream name', () => fetch(`${url}/api/v1/streams/${'x'.repeat(201)}`), 400, 'invalid_stream_name'],
      ['negative from', () => fetch(`${url}/api/v1/streams/s?from=-1`), 400, 'invalid_request'],
      ['non-numeric from', () => fetch(`${url}/api/v1/all?from=abc`), 400, 'invalid_request'],
      ['limit out of range', () => fetch(`${url}/api/v1/all?limit=100000`), 400, 'invalid_request'],
      ['bad direction', () => fetch(`${url}/api/v1/streams/s?direction=sideways`), 400, 'invalid_request'],
      ['bad Last-Event-ID', () => fetch(`${url}/api/v1/subscribe`, { headers: { 'last-event-id': 'yesterday' } }), 400, 'invalid_request'],
      ['oversized body', () => post(s, { events: [{ type: 'a', data: 'x'.repeat(4096) }] }), 413, 'payload_too_large'],
      ['not JSON content type', () => fetch(s, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }), 415, 'unsupported_media_type'],
      ['unknown stream', () => fetch(`${url}/api/v1/streams/nobody`), 404, 'stream_not_found'],
      ['unknown route', () => fetch(`${url}/api/v2/everything`), 404, 'not_found'],
      ['wrong method', () => fetch(s, { method: 'DELETE' }), 405, 'method_not_allowed'],
      ['wrong method on $all', () => post(`${url}/api/v1/all`, {}), 405, 'method_not_allowed'],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      const body = (await res.json()) as { type: string; status: number; detail: string };
      expect({ name, status: res.status, type: body.type, contentType: res.headers.get('content-type') }).toEqual({
        name,
        status,
        type: `urn:overseer:problem:${code}`,
        contentType: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(body.detail.length).toBeGreaterThan(0);
    }
    expect((await fetch(s, { method: 'DELETE' })).headers.get('allow')).toBe('POST, GET');
    expect((await post(s, { events: [{ type: 'ok', data: 1 }] })).status).toBe(201);
    expect(system.status().children!.every((c) => c.ready && c.restarts === 0)).toBe(true);
    expect((await fetch(`${url}/api/v1/all`).then((r) => r.json())) as { events: unknown[] }).toMatchObject({ events: [{ type: 'ok' }] });
  });

  it('subscribe: SSE with id = global position, catch-up then live, resuming from Last-Event-ID', async () => {
    const { url } = await start();
    for (let i = 0; i < 3; i++) await post(`${url}/api/v1/streams/s`, { events: [{ type: 'e', data: { i } }] });
    const first = readSse(`${url}/api/v1/subscribe?stream=s`, 5);
    await post(`${url}/api/v1/streams/other`, { events: [{ type: 'x', data: {} }] });
    for (let i = 3; i < 5; i++) await post(`${url}/api/v1/streams/s`, { events: [{ type: 'e', data: { i } }] });
    const got = await first;
    expect(got.map((m) => (m.data.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    expect(got.map((m) => m.id)).toEqual([1, 2, 3, 5, 6]);
    expect(got.every((m) => m.id === m.data.position)).toBe(true);
    const resumed = await readSse(`${url}/api/v1/subscribe`, 2, { 'last-event-id': '4' });
    expect(resumed.map((m) => m.id)).toEqual([5, 6]);
    const fromPosition = await readSse(`${url}/api/v1/subscribe?from=6`, 1);
    expect(fromPosition.map((m) => m.id)).toEqual([6]);
  });

  it('a crashed store restarts while clients append: degraded then ready again, no acknowledged event lost', async () => {
    const { url, system } = await start({ backend: 'sqlite', admin: true });
    const acknowledged: string[] = [];
    let stop = false;
    const client = async (c: number) => {
      for (let i = 0; !stop; i++) {
        const id = `c${c}-${i}`;
        const res = await post(`${url}/api/v1/streams/client-${c}`, { events: [{ id, type: 'e', data: { i } }] });
        if (res.status === 201) acknowledged.push(id);
        else expect([503]).toContain(res.status);
        await res.arrayBuffer();
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    while (acknowledged.length < 20) await new Promise<void>((r) => setImmediate(r));
    const degraded = nextEvent(system, 'system_degraded');
    const readyAgain = nextEvent(system, 'system_ready');
    system.kill('root/store', 'drill');
    expect((await degraded).data).toEqual({ missingSystems: ['root/store'] });
    await readyAgain;
    expect((await fetch(`${system.adminUrl}/readyz`)).status).toBe(200);
    const before = acknowledged.length;
    while (acknowledged.length < before + 20) await new Promise<void>((r) => setImmediate(r));
    stop = true;
    await Promise.all(clients);
    const all = (await (await fetch(`${url}/api/v1/all?limit=4096`)).json()) as { events: { id: string; position: number }[] };
    const stored = new Set(all.events.map((e) => e.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(all.events.map((e) => e.position)).toEqual(all.events.map((_, i) => i + 1));
    expect(system.status().children!.find((c) => c.id === 'store')!.restarts).toBe(1);
  });
});

describe('gateway: failure to listen', () => {
  it('a taken port crashes the gateway; the root gives up after its intensity and says why', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as AddressInfo).port;
    try {
      const system = await startSystem({
        spec: {
          apiVersion: 'overseer/v1',
          kind: 'System',
          metadata: { name: 'taken' },
          spec: { intensity: { maxRestarts: 1, periodMs: 60_000 }, children: [{ id: 'gateway', behaviour: 'gateway', params: { port } }] },
        },
        admin: false,
        env: {},
      });
      expect(await system.stopped).toMatchObject({ reason: 'failed', error: expect.objectContaining({ code: 'OVERSEER_ERR_INTENSITY' }) });
      const exits = system.events.recent({ types: ['child_exited'] }).map((e) => String((e.data as { error?: string }).error));
      expect(exits.some((e) => e.includes(`gateway cannot listen on 127.0.0.1:${port}`))).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
