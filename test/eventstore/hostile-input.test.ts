/**
 * Regression tests for the hostile inputs found by the fuzz runs (issues #12 item 11, #18):
 * each is named after the bug it pins. No client input may crash an actor or poison a read.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InvalidStoreRequestError } from '../../src/eventstore/errors.js';
import { buildGatewayApp } from '../../src/eventstore/gateway/app.js';
import { EVENT_LIMITS } from '../../src/eventstore/json-bounds.js';
import type { AppendOutcome } from '../../src/eventstore/journal/journal.js';
import { SqliteJournal } from '../../src/eventstore/journal/sqlite.js';
import type { AppendCommand } from '../../src/eventstore/model.js';
import { GroupCommit } from '../../src/eventstore/persistence/group-commit.js';
import type { EventStoreClient } from '../../src/eventstore/client.js';
import { storeSystems } from '../support/eventstore.js';
import { brokenRule, rawHttp, restarted } from './hostile-http.js';

const start = storeSystems({ backend: 'sqlite', admin: true, persistence: { synchronous: 'normal' } });
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const problemOf = async (res: Response) => ({ status: res.status, contentType: res.headers.get('content-type'), ...((await res.json()) as { type: string; detail: string }) });

/** The first `count` SSE messages of `url` as parsed `data:` lines. */
async function readSse(url: string, count: number): Promise<Record<string, unknown>[]> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const out: Record<string, unknown>[] = [];
  let buffer = '';
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
      buffer = buffer.slice(end + 2);
      if (data !== undefined) out.push(JSON.parse(data) as Record<string, unknown>);
    }
  }
  controller.abort();
  return out;
}

describe('deep nesting crash', () => {
  it('an append nested 4500 deep (a 9 KB body) answers 400 nesting_too_deep; the appends beside it commit and persistence never restarts', async () => {
    const { url, system } = await start();
    const s = (i: number) => `${url}/api/v1/streams/s-${i}`;
    const answers = await Promise.all([
      post(s(0), `{"events":[{"type":"t","data":${deep(4500)}}]}`),
      ...Array.from({ length: 20 }, (_, i) => post(s(i + 1), JSON.stringify({ events: [{ type: 't', data: { i } }] }))),
      post(s(99), `{"events":[{"type":"t","data":{},"metadata":{"a":${deep(4150)}}}]}`),
    ]);
    const bad = [answers[0]!, answers[21]!];
    for (const res of bad) expect(await problemOf(res)).toMatchObject({ status: 400, contentType: expect.stringMatching(/^application\/problem\+json/), type: 'urn:overseer:problem:nesting_too_deep' });
    expect(answers.slice(1, 21).map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(restarted(system.status())).toEqual([]);
    expect((await fetch(`${system.adminUrl}/readyz`)).status).toBe(200);
  });

  it('a 1 MB body nested 500,000 deep is refused from its text, before JSON.parse spends half a second on it', async () => {
    const { url } = await start({ backend: 'memory' });
    const res = await post(`${url}/api/v1/streams/s`, deep(500_000));
    expect(await problemOf(res)).toMatchObject({ status: 400, type: 'urn:overseer:problem:nesting_too_deep', detail: expect.stringMatching(/^body: nested deeper than 67 levels/) });
  });

  it('the embedded API is held to the same bounds: the store refuses what the gateway would', async () => {
    const { store } = await start({ gateway: false });
    let nested: unknown = 0;
    for (let i = 0; i < 5000; i++) nested = [nested];
    const refusals: [unknown, string][] = [
      [nested, 'nesting_too_deep'],
      [{ n: Number.POSITIVE_INFINITY }, 'number_not_finite'],
      [{ n: 10n }, 'not_json'],
      [{ at: new Date(0) }, 'not_json'],
      [{ f: () => 1 }, 'not_json'],
      ['x'.repeat(EVENT_LIMITS.eventChars), 'event_too_large'],
    ];
    for (const [data, problem] of refusals) {
      const error = await store.append('s', [{ type: 't', data }]).catch((e: unknown) => e);
      expect({ problem, error }).toEqual({ problem, error: expect.objectContaining({ name: 'InvalidStoreRequestError', problem }) });
    }
    expect(await store.append('s', [{ type: 't', data: { ok: true, nothing: undefined } }])).toMatchObject({ position: 1 });
  });

  it('an embedder object that turns into a cycle between check and commit fails alone; its batch commits', async () => {
    const journal = new SqliteJournal(join(mkdtempSync(join(tmpdir(), 'hostile-')), 'events.db'), 'normal');
    const failures: Error[] = [];
    const commits = new GroupCommit(journal, () => 0, 100, (e) => failures.push(e));
    const cyclic: Record<string, unknown> = {};
    const command = (stream: string, data: unknown): AppendCommand => ({ stream, expectedVersion: 'any', events: [{ type: 't', data }] });
    const submit = (c: AppendCommand) => new Promise<AppendOutcome>((resolve) => commits.submit(c, resolve));
    const outcomes = Promise.all([submit(command('a', 1)), submit(command('b', cyclic)), submit(command('c', 3))]);
    cyclic.self = cyclic; // after the store's check, before the commit on the next turn
    const [a, b, c] = await outcomes;
    expect([a!.ok, c!.ok]).toEqual([true, true]);
    expect(b).toMatchObject({ ok: false, error: expect.any(InvalidStoreRequestError) });
    expect((b as unknown as { error: InvalidStoreRequestError }).error.problem).toBe('nesting_too_deep');
    expect(failures).toEqual([]);
    expect(journal.readAll(1, 10).map((e) => e.stream)).toEqual(['a', 'c']);
    journal.close();
  });
});

describe('poisoned read', () => {
  it('rows written before the bounds (4150 deep) or damaged read as events without their data; the stream, $all and subscriptions go past them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'poisoned-'));
    const file = join(dataDir, 'events.db');
    const journal = new SqliteJournal(file);
    journal.appendBatch([{ stream: 'p', expectedVersion: 'any', events: [{ type: 'good', data: { n: 0 } }] }], '2026-01-01T00:00:00.000Z');
    journal.close();
    const db = new Database(file);
    const insert = db.prepare("INSERT INTO events (position, id, stream, version, type, data, metadata, time) VALUES (?, ?, 'p', ?, ?, ?, ?, '2026-01-01T00:00:00.000Z')");
    insert.run(2, 'deep', 1, 'deep', deep(4150), '{}');
    insert.run(3, 'torn', 2, 'torn', '{"cut": ', '{}');
    db.close();

    const { url, system } = await start({ dataDir });
    expect((await post(`${url}/api/v1/streams/p`, JSON.stringify({ events: [{ type: 'good', data: { n: 3 } }] }))).status).toBe(201);
    const page = await fetch(`${url}/api/v1/streams/p`);
    expect(page.status).toBe(200);
    const { events } = (await page.json()) as { events: { type: string; version: number; data: unknown; problem?: { type: string } }[] };
    expect(events.map((e) => [e.version, e.type, e.problem?.type ?? null])).toEqual([
      [0, 'good', null],
      [1, 'deep', 'urn:overseer:problem:unreadable_event'],
      [2, 'torn', 'urn:overseer:problem:unreadable_event'],
      [3, 'good', null],
    ]);
    expect(events[1]!.data).toBeNull();
    expect((await fetch(`${url}/api/v1/all`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/streams/p?direction=backward`)).status).toBe(200);
    const streamed = await readSse(`${url}/api/v1/subscribe?stream=p`, 4);
    expect(streamed.map((e) => e.position)).toEqual([1, 2, 3, 4]);
    expect(restarted(system.status())).toEqual([]);
  });

  it('an in-memory event changed after it was stored into something JSON cannot write is served without its data, not as a 500', async () => {
    const cyclic: Record<string, unknown> = {};
    const event = { id: 'x', stream: 's', version: 0, position: 1, type: 't', data: cyclic, metadata: {}, time: '2026-01-01T00:00:00.000Z' };
    cyclic.self = cyclic;
    const client = { read: async () => ({ stream: 's', version: 0, events: [event] }) } as unknown as EventStoreClient;
    const { app } = buildGatewayApp({ client, logger: { error: () => undefined } as never, bodyLimit: 1024 * 1024, keepAliveMs: 15_000, subscriptionBuffer: 10 });
    const res = await app.inject({ method: 'GET', url: '/api/v1/streams/s' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ events: [{ id: 'x', version: 0, data: null, problem: { type: 'urn:overseer:problem:unreadable_event' } }] });
    await app.close();
  });
});

describe('1e400', () => {
  it('a number too large for a double is refused with 400 number_not_finite, never stored as null', async () => {
    const { url } = await start();
    const res = await post(`${url}/api/v1/streams/n`, '{"events":[{"type":"t","data":{"big":[1, 1e400]}}]}');
    expect(await problemOf(res)).toMatchObject({ status: 400, type: 'urn:overseer:problem:number_not_finite', detail: expect.stringContaining('events[0].data.big[1]') });
    expect((await fetch(`${url}/api/v1/streams/n`)).status).toBe(404);
  });
});

describe('100k-event body', () => {
  it('an append of 100,000 events (300 KB) is refused at once with too_many_events and a small body', async () => {
    const { url } = await start();
    const started = Date.now();
    const res = await post(`${url}/api/v1/streams/many`, JSON.stringify({ events: Array(100_000).fill(1) }));
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ type: 'urn:overseer:problem:too_many_events' });
    expect(text.length).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it(`${EVENT_LIMITS.eventsPerAppend} bad events answer the first few problems and their count, in a capped body`, async () => {
    const { url } = await start();
    const res = await post(`${url}/api/v1/streams/many`, JSON.stringify({ events: Array(EVENT_LIMITS.eventsPerAppend).fill({ type: 7 }) }));
    const text = await res.text();
    const doc = JSON.parse(text) as { type: string; detail: string };
    expect(res.status).toBe(400);
    expect(doc.type).toBe('urn:overseer:problem:invalid_request');
    expect(doc.detail).toMatch(/2000 problems in all, the first 10 shown/);
    expect(text.length).toBeLessThan(2500);
  });

  it(`${EVENT_LIMITS.eventsPerAppend} events are one append; one more is too many`, async () => {
    const { url } = await start();
    const events = (n: number) => JSON.stringify({ events: Array.from({ length: n }, () => ({ type: 't', data: 0 })) });
    expect((await post(`${url}/api/v1/streams/max`, events(EVENT_LIMITS.eventsPerAppend))).status).toBe(201);
    expect(await problemOf(await post(`${url}/api/v1/streams/max`, events(EVENT_LIMITS.eventsPerAppend + 1)))).toMatchObject({ status: 400, type: 'urn:overseer:problem:too_many_events' });
  });
});

describe('FST_ERR_BAD_URL and the other answers fastify and node:http give by themselves', () => {
  it('every one is problem+json with a stable code, on the gateway and on the admin server', async () => {
    const { url, system } = await start();
    const admin = system.adminUrl!;
    const req = (line: string, headers = '') => `${line}\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`;
    const cases: [string, string, string, number, string][] = [
      ['bad percent-encoding', url, req('GET /api/v1/streams/%zz HTTP/1.1'), 400, 'invalid_url'],
      ['truncated percent-encoding', url, req('GET /api/%E0%A4%A HTTP/1.1'), 400, 'invalid_url'],
      ['path parameter over 1024 characters', url, req(`GET /api/v1/streams/${'a'.repeat(2000)} HTTP/1.1`), 414, 'uri_too_long'],
      ['headers over 16 KiB', url, req('GET /api/v1/all HTTP/1.1', `X-Big: ${'a'.repeat(20_000)}\r\n`), 431, 'headers_too_large'],
      ['URL over 16 KiB', url, req(`GET /api/v1/all?x=${'a'.repeat(20_000)} HTTP/1.1`), 431, 'headers_too_large'],
      ['an Expect other than 100-continue', url, req('POST /api/v1/streams/s HTTP/1.1', 'Expect: teapot\r\nContent-Type: application/json\r\nContent-Length: 2\r\n'), 417, 'expectation_failed'],
      ['a method node does not know', url, req('BREW /api/v1/all HTTP/1.1'), 400, 'bad_request'],
      ['a method fastify does not route', url, req('PROPFIND /api/v1/all HTTP/1.1'), 405, 'method_not_allowed'],
      ['a bad request line', url, 'GARBAGE\r\n\r\n', 400, 'bad_request'],
      ['a bad chunked body on a GET', url, req('GET /api/v1/all HTTP/1.1', 'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n'), 400, 'bad_request'],
      ['admin: a bad request line', admin, 'GARBAGE\r\n\r\n', 400, 'bad_request'],
      ['admin: headers over 16 KiB', admin, req('GET /livez HTTP/1.1', `X-Big: ${'a'.repeat(20_000)}\r\n`), 431, 'headers_too_large'],
      ['admin: an Expect other than 100-continue', admin, req('GET /livez HTTP/1.1', 'Expect: teapot\r\n'), 417, 'expectation_failed'],
      ['admin: bad percent-encoding', admin, req('GET /status/%zz HTTP/1.1'), 400, 'bad_request'],
    ];
    for (const [name, target, request, status, code] of cases) {
      const answer = await rawHttp(target, request);
      const doc = JSON.parse(answer.body || '{}') as { type?: string };
      expect({ name, status: answer.status, type: doc.type, broken: brokenRule(answer.status, answer.headers['content-type'], answer.body) }).toEqual({
        name,
        status,
        type: `urn:overseer:problem:${code}`,
        broken: undefined,
      });
    }
    expect(restarted(system.status())).toEqual([]);
  });

  it('a request that reaches a closing gateway answers 503 problem+json with Connection: close', async () => {
    let reached!: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const client = { listStreams: async () => (reached(), await held, { streams: [] }) } as unknown as EventStoreClient;
    const { app } = buildGatewayApp({ client, logger: { error: () => undefined } as never, bodyLimit: 1024 * 1024, keepAliveMs: 15_000, subscriptionBuffer: 10 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    // A request in flight keeps its connection open through the close; a second one sent on it after the close began is refused.
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n\r\n'));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    const ended = once(socket, 'close');
    await inHandler;
    const closed = app.close();
    while (app.server.listening) await new Promise((r) => setImmediate(r)); // the close has begun: no new connections
    await once(socket.end('GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n\r\n'), 'finish');
    release();
    await Promise.all([closed, ended]);
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/content-type: application\/problem\+json/i);
    expect(second).toMatch(/connection: close/i);
    expect(second).toMatch(/"type":"urn:overseer:problem:store_unavailable"/);
  });
});
