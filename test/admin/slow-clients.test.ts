/**
 * Issue 18 item 4, slow clients, on the admin endpoint: a request that never finishes
 * arriving is answered 408 request_timeout and closed (it used to be held forever),
 * connections past the cap get 503 too_many_connections, and /events streams outlive both.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenAdmin, type AdminServer } from '../../src/admin/server.js';
import type { HttpLimits } from '../../src/shared/problem.js';
import { EventBus } from '../../src/events/index.js';
import { brokenRule, connected, holdConnection, lastAnswer, statusOnceFreed, type HeldConnection } from '../eventstore/hostile-http.js';
import { ManualClock } from '../support/manual-clock.js';
import { busOnlyView } from './harness.js';
import { SseClient, type Frame } from '../support/sse-client.js';

const TIMEOUT_MS = 200;
/** Hang guard: far above every timeout under test, so only a server that holds the socket fails. */
const GUARD_MS = 10_000;

const servers: AdminServer[] = [];
const held: Socket[] = [];
const clients: SseClient[] = [];
afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An admin server over a bus of our own (no tree), with the limits under test. */
async function admin(limits: Partial<HttpLimits>) {
  const bus = new EventBus({ system: 'slow-test', node: 'n1', clock: new ManualClock() });
  bus.start();
  const view = busOnlyView('slow-test', bus);
  const server = await listenAdmin(view, '127.0.0.1', 0, limits);
  servers.push(server);
  return { url: server.url, bus };
}

/** A held connection, destroyed when the test ends. */
function hold(url: string, text: string): HeldConnection {
  const held_ = holdConnection(url, text, GUARD_MS);
  held.push(held_.socket);
  return held_;
}

describe('admin: slow clients', () => {
  it('request_timeout: headers that never finish get 408 problem+json and the connection closes; /livez is served meanwhile', async () => {
    const { url } = await admin({ headersTimeoutMs: TIMEOUT_MS, bodyTimeoutMs: TIMEOUT_MS });
    const slow = hold(url, 'GET /livez HTTP/1.1\r\nHost: x\r\n');
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const received = await slow.closed;
    expect(received.startsWith('HTTP/1.1 408 ')).toBe(true); // the only answer
    const answer = lastAnswer(received);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.doc).toMatchObject({ type: 'urn:overseer:problem:request_timeout', status: 408 });
    expect(brokenRule(answer.status, answer.headers['content-type'], answer.body)).toBeUndefined();
  });

  it('request_timeout: a body that never finishes is cut with 408 too (after the answer the route gave at once)', async () => {
    const { url } = await admin({ headersTimeoutMs: TIMEOUT_MS, bodyTimeoutMs: TIMEOUT_MS });
    const slow = hold(url, 'GET /livez HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const answer = lastAnswer(await slow.closed);
    expect(answer.status).toBe(408);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.doc.type).toBe('urn:overseer:problem:request_timeout');
  });

  it('too_many_connections: past maxConnections a connection gets 503 with Retry-After and is closed; /livez answers again once they go', async () => {
    const max = 3;
    const { url } = await admin({ maxConnections: max });
    const slow = Array.from({ length: max }, () => hold(url, 'GET /livez HTTP/1.1\r\nHost: x\r\n'));
    await Promise.all(slow.map((s) => connected(s.socket)));
    const refused = lastAnswer(await hold(url, 'GET /livez HTTP/1.1\r\nHost: x\r\n\r\n').closed);
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.doc).toMatchObject({ type: 'urn:overseer:problem:too_many_connections', status: 503 });

    for (const s of slow) s.socket.destroy();
    expect(await statusOnceFreed(`${url}/livez`)).toBe(200);
  });

  it('an /events stream outlives the request timeout: the timeout bounds receiving the request, not the response', async () => {
    const { url, bus } = await admin({ headersTimeoutMs: TIMEOUT_MS, bodyTimeoutMs: TIMEOUT_MS });
    const isEvent = (f: Frame) => f.id !== undefined && f.data !== undefined && f.event !== 'overflow' && f.event !== 'shutdown';
    const client = await SseClient.connect(`${url}/events?types=late`, isEvent);
    clients.push(client);
    // A slow client opened after the stream is timed out: the stream is older than the
    // timeout, and node's check ran after that.
    expect(lastAnswer(await hold(url, 'GET /livez HTTP/1.1\r\nHost: x\r\n').closed).status).toBe(408);
    bus.publish({ type: 'late', data: {} });
    for (let i = 0; i < 20_000 && client.events().length === 0 && !client.closed; i++) await new Promise((r) => setImmediate(r));
    expect(client.closed).toBe(false);
    expect(client.events()).toHaveLength(1);
  });
});
