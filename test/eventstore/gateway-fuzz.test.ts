/**
 * Fuzzing the gateway with generated requests (fast-check, fixed seeds, so a failure replays):
 * in process through inject() for volume, and on a real socket for what only node:http sees
 * (request lines, header limits, Expect). Whatever is sent: no 5xx but 503, every error
 * problem+json with a `type`, no actor restarts, and /readyz stays 200.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGatewayApp } from '../../src/eventstore/gateway/app.js';
import { eventStore } from '../../src/index.js';
import { storeSystems } from '../support/eventstore.js';
import { brokenRule, rawHttp, restarted } from './hostile-http.js';

const start = storeSystems({ backend: 'sqlite', admin: true, persistence: { synchronous: 'normal' } });
const SEED = 0x5eed;

const nest = (n: number, open: string, close: string, inner = '0') => open.repeat(n) + inner + close.repeat(n);

const streamSegment = fc.oneof(
  fc.constantFrom('s', 'orders-1', 'a:b@c.d_e-f', '%24all', '%24sys', 'a%20b', '%zz', '%E0%A4%A', '%', '%00', '%2F', '..', 'x'.repeat(201), 'y'.repeat(1100)),
  fc.string({ maxLength: 30, unit: 'binary' }).map(encodeURIComponent),
);
const path = fc.oneof(
  { weight: 5, arbitrary: streamSegment.map((s) => `/api/v1/streams/${s}`) },
  { weight: 2, arbitrary: fc.constantFrom('/api/v1/streams', '/api/v1/all', '/api/v1/subscribe') },
  { weight: 1, arbitrary: fc.constantFrom('/', '/api', '/api/v1', '/api/v2/all', '//api/v1/all', '/api/v1/all/', '/api/v1/streams/a/b', '/api/v1/streams/') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }).map((s) => `/${encodeURI(s)}`) },
);
const queryValue = fc.oneof(
  fc.nat().map(String),
  fc.integer().map(String),
  fc.constantFrom('', 'abc', '1e3', '-1', '99999999999999999999', 'forward', 'backward', 'sideways', '0x10', '1.5', '4096', '4097', '$all'),
  fc.string({ maxLength: 20, unit: 'binary' }),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('from', 'limit', 'direction', 'after', 'stream', 'lastEventId', 'x'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`));

const event = fc.record(
  {
    type: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.integer(), fc.constant('')),
    data: fc.jsonValue({ maxDepth: 4 }),
    metadata: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), fc.jsonValue({ maxDepth: 1 })),
    id: fc.oneof(fc.constantFrom('e1', 'e2', ''), fc.string({ maxLength: 10 })),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const expectedVersion = fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constantFrom('any', 'no_stream', 'stream_exists', 'latest', 1.5, null));
const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.record({ expectedVersion, events: fc.array(event, { maxLength: 5 }) }, { requiredKeys: ['events'] }).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 60, max: 6000 }), fc.boolean()).map(([n, arrays]) => `{"events":[{"type":"t","data":${arrays ? nest(n, '[', ']') : nest(n, '{"a":', '}')}}]}`) },
  { weight: 1, arbitrary: fc.constantFrom('1e400', '-1e400', '1e309', '[1e400]', '{"n":-1e999}').map((d) => `{"events":[{"type":"t","data":${d}}]}`) },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 3000 }).map((n) => JSON.stringify({ events: Array.from({ length: n }, (_, i) => (i % 7 === 3 ? { type: 7 } : { type: 't', data: i })) })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('{"events":[', '{"__proto__":{"x":1},"events":[]}', '{"events":[{"type":"t","data":1,"constructor":{"prototype":{}}}]}', 'null', '""') },
);
const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'garbage', 'application/json; charset=latin1', 'multipart/form-data; boundary=x');
const method = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'SEARCH', 'LINK');
const request = fc
  .record({ method, path, query, body, contentType, ifNoneMatch: fc.option(fc.constantFrom('"0"', '"-1"', '*', 'garbage')), lastEventId: fc.option(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 10 }))) })
  // A subscription that opens streams forever: inject() would never finish it (the real-socket run covers it).
  .filter((r) => !(r.path === '/api/v1/subscribe' && (r.method === 'GET' || r.method === 'HEAD')));

/** The status a subscription answers with; the connection is dropped at the first bytes. */
function subscriptionStatus(url: string, target: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`));
    socket.once('data', (d: Buffer) => {
      socket.destroy();
      resolve(Number(d.toString('latin1').split(' ')[1]));
    });
    socket.once('error', reject);
  });
}

describe('gateway fuzz', () => {
  it('generated requests through inject(): no 5xx but 503, every error problem+json, no restart, /readyz 200', async () => {
    const { system } = await start();
    const { app } = buildGatewayApp({ client: eventStore(system), logger: { error: () => undefined } as never, bodyLimit: 1024 * 1024, keepAliveMs: 15_000, subscriptionBuffer: 100 });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.ifNoneMatch !== null) headers['if-none-match'] = r.ifNoneMatch;
        if (r.lastEventId !== null) headers['last-event-id'] = r.lastEventId;
        const res = await app.inject({ method: r.method as 'GET', url: r.path + r.query, headers, ...(r.body === undefined ? {} : { payload: r.body }) });
        const broken = brokenRule(res.statusCode, res.headers['content-type'] as string | undefined, res.body, r.method);
        if (broken) throw new Error(`${broken}: ${res.body.slice(0, 300)}`);
        if (res.statusCode < 300 && r.method !== 'HEAD') JSON.parse(res.body);
        expect(restarted(system.status())).toEqual([]);
      }),
      { seed: SEED, numRuns: 1500 },
    );
    await app.close();
    expect((await fetch(`${system.adminUrl}/readyz`)).status).toBe(200);
    expect(restarted(system.status())).toEqual([]);
  });

  const token = fc.stringMatching(/^[A-Za-z-]{1,10}$/);
  const headerValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('chunked', 'gzip, chunked', '0', '-1', '5', '100-continue', 'teapot', 'application/json', 'x'.repeat(9000)));
  const rawRequest = fc.record({
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE', 'PROPFIND', 'M-SEARCH', 'get', 'BREW', ''), token),
    target: fc.oneof(
      path.chain((p) => query.map((q) => p + q)),
      fc.constantFrom('*', 'http://x/api/v1/all', '/api/v1/all#frag', '/api/v1/streams/s?from=1&from=2', `/api/v1/all?x=${'a'.repeat(17_000)}`),
      fc.string({ maxLength: 40, unit: 'binary-ascii' }),
    ),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.x', '', 'HTTP/9.9'),
    headers: fc.array(fc.tuple(fc.oneof(fc.constantFrom('Content-Type', 'Content-Length', 'Transfer-Encoding', 'Expect', 'Last-Event-ID', 'If-None-Match', 'Accept'), token, fc.constantFrom('Bad Header', 'X:Y', '')), headerValue), { maxLength: 4 }),
    body: fc.oneof(body.map((b) => b ?? ''), fc.constantFrom('5\r\nhello\r\n0\r\n\r\n', 'zz\r\n\r\n')),
  });

  it('generated raw requests on a real socket: the same rules, for what node:http answers by itself', async () => {
    const { url, system } = await start();
    const send = async (r: typeof rawRequest extends fc.Arbitrary<infer T> ? T : never) => {
      const head = r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
      const answer = await rawHttp(url, `${r.method} ${r.target} ${r.version}\r\nHost: x\r\n${head}Connection: close\r\n\r\n${r.body}`);
      if (answer.status === 0) return; // closed without an answer (a body that never came): nothing was said
      const broken = brokenRule(answer.status, answer.headers['content-type'], answer.body, r.method);
      if (broken) throw new Error(`${broken}: ${answer.body.slice(0, 300)}`);
    };
    // Six connections at a time: a case is a batch, so a failure still replays from the seed.
    await fc.assert(
      fc.asyncProperty(fc.array(rawRequest, { minLength: 6, maxLength: 6 }), async (batch) => void (await Promise.all(batch.map(send)))),
      { seed: SEED, numRuns: 50 },
    );
    expect(await subscriptionStatus(url, '/api/v1/subscribe?stream=s')).toBe(200);
    expect((await fetch(`${system.adminUrl}/readyz`)).status).toBe(200);
    expect(restarted(system.status())).toEqual([]);
  });
});
