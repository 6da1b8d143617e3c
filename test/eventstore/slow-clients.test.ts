/**
 * Issue 18 item 4, slow clients, on the gateway: a request that never finishes arriving is
 * answered 408 request_timeout and closed (it used to be held forever), connections past
 * `maxConnections` get 503 too_many_connections, and neither limit cuts an SSE subscription.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseClient, type Frame } from '../support/sse-client.js';
import { storeSystems } from '../support/eventstore.js';
import { brokenRule, connected, holdConnection, lastAnswer, statusOnceFreed, type HeldConnection } from './hostile-http.js';

const start = storeSystems();
const TIMEOUT_MS = 200;
/** Hang guard: far above every timeout under test, so only a server that holds the socket fails. */
const GUARD_MS = 10_000;

/** A held connection, destroyed when the test ends. */
function hold(url: string, text: string): HeldConnection {
  const held_ = holdConnection(url, text, GUARD_MS);
  held.push(held_.socket);
  return held_;
}

const held: Socket[] = [];
const clients: SseClient[] = [];
afterEach(() => {
  for (const s of held.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.close();
});

const slowBody = 'POST /api/v1/streams/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"events":';
const slowHeaders = 'GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n';

describe('gateway: slow clients', () => {
  it('request_timeout: a body that never finishes gets 408 problem+json and the connection closes; others are served meanwhile', async () => {
    const { url } = await start({ gatewayParams: { bodyTimeoutMs: TIMEOUT_MS, headersTimeoutMs: TIMEOUT_MS } });
    const slow = hold(url, slowBody);
    // Served while the slow one is held (the event loop is not blocked by it).
    expect((await fetch(`${url}/api/v1/streams`)).status).toBe(200);
    const answer = lastAnswer(await slow.closed);
    expect(answer.status).toBe(408);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.doc).toMatchObject({ type: 'urn:overseer:problem:request_timeout', status: 408 });
    expect(brokenRule(answer.status, answer.headers['content-type'], answer.body)).toBeUndefined();
    // Nothing of the half-sent append was stored.
    expect((await fetch(`${url}/api/v1/streams/slow`)).status).toBe(404);
  });

  it('request_timeout: headers that never finish get 408 too', async () => {
    const { url } = await start({ gatewayParams: { bodyTimeoutMs: 1000, headersTimeoutMs: TIMEOUT_MS } });
    const answer = lastAnswer(await hold(url, slowHeaders).closed);
    expect(answer.status).toBe(408);
    expect(answer.doc.type).toBe('urn:overseer:problem:request_timeout');
  });

  it('too_many_connections: past maxConnections a connection gets 503 with Retry-After and is closed; the gateway serves again once they go', async () => {
    const max = 4;
    const { url } = await start({ gatewayParams: { maxConnections: max } });
    // Slow clients under the (default, long) timeouts: they hold their connections.
    const slow = Array.from({ length: max }, () => hold(url, slowHeaders));
    await Promise.all(slow.map((s) => connected(s.socket)));
    const refused = lastAnswer(await hold(url, 'GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n\r\n').closed);
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.doc).toMatchObject({ type: 'urn:overseer:problem:too_many_connections', status: 503 });

    for (const s of slow) s.socket.destroy();
    expect(await statusOnceFreed(`${url}/api/v1/streams`)).toBe(200);
  });

  it('an SSE subscription outlives the request timeout: the timeout bounds receiving the request, not the response', async () => {
    const { url, store } = await start({ gatewayParams: { bodyTimeoutMs: TIMEOUT_MS, headersTimeoutMs: TIMEOUT_MS } });
    const isEvent = (f: Frame) => f.id !== undefined && f.event === undefined;
    const client = await SseClient.connect(`${url}/api/v1/subscribe?stream=s`, isEvent);
    clients.push(client);
    // A slow client opened after the stream is timed out: the stream is older than the timeout
    // and node's check ran after that.
    expect(lastAnswer(await hold(url, slowBody).closed).status).toBe(408);
    await store.append('s', [{ type: 'e', data: { n: 1 } }]);
    for (let i = 0; i < 20_000 && client.events().length === 0 && !client.closed; i++) await new Promise((r) => setImmediate(r));
    expect(client.closed).toBe(false);
    expect(client.events()).toHaveLength(1);
  });
});
