/**
 * Fuzzing the admin endpoint with generated requests on a real socket (fast-check, fixed
 * seed): well-formed ones over every route with hostile paths, queries and headers, and raw
 * ones node:http must refuse. No 5xx but 503, every error problem+json with a `type`, no
 * actor restarts, and /readyz stays 200.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storeSystems } from '../support/eventstore.js';
import { brokenRule, rawHttp, restarted } from '../eventstore/hostile-http.js';

const start = storeSystems({ gateway: false, admin: true });
const SEED = 0x5eed;
const BATCH = 5; // connections at a time; a case is a batch, so a failure replays from the seed

const segment = fc.oneof(
  fc.constantFrom('root', 'store', 'persistence', 'shutdown', 'nobody', '%zz', '%E0%A4%A', '%', '%2F', '..', '', 'a'.repeat(3000)),
  fc.string({ maxLength: 20, unit: 'binary' }).map(encodeURIComponent),
);
const route = fc.constantFrom('/livez', '/readyz', '/health', '/status', '/metrics', '/events', '/', '/nothing', '/livez/', '/readyzz');
const path = fc.oneof(route, fc.tuple(route, fc.array(segment, { minLength: 1, maxLength: 3 })).map(([r, s]) => `${r}/${s.join('/')}`));
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('depth', 'verbose', 'exclude', 'types', 'x'),
      fc.oneof(fc.constantFrom('', '0', '1', '-1', '99999999999', 'abc', '1.5', 'root/store', 'child_started,events_appended', '%zz'), fc.string({ maxLength: 15, unit: 'binary' }).map(encodeURIComponent)),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
const headers = fc.array(
  fc.tuple(fc.constantFrom('Accept', 'Last-Event-ID', 'Content-Type', 'Content-Length', 'Transfer-Encoding', 'Expect', 'X-Any'), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('0', '12', 'chunked', '100-continue', 'teapot', 'text/event-stream'))),
  { maxLength: 3 },
);
const wellFormed = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND', 'TRACE'),
  target: fc.tuple(path, query).map(([p, q]) => p + q),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
  headers,
  body: fc.constantFrom('', '{}', '5\r\nhello\r\n0\r\n\r\n'),
});
const raw = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'get', 'BREW', '', 'M-SEARCH'), fc.stringMatching(/^[A-Za-z-]{1,8}$/)),
  target: fc.oneof(fc.tuple(path, query).map(([p, q]) => p + q), fc.constantFrom('*', 'http://x/livez', 'http://[::1', `/status?x=${'a'.repeat(17_000)}`), fc.string({ maxLength: 30, unit: 'binary-ascii' })),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/2.0', 'HTTP/1.x', '', 'HTTP/9.9'),
  headers: fc.array(fc.tuple(fc.oneof(fc.constantFrom('Bad Header', 'X:Y', '', 'Content-Length'), fc.stringMatching(/^[A-Za-z-]{1,10}$/)), fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(17_000)))), { maxLength: 3 }),
  body: fc.string({ maxLength: 30 }),
});
type Generated = { method: string; target: string; version: string; headers: [string, string][]; body: string };

describe('admin fuzz', () => {
  it('generated requests, well-formed and raw: no 5xx but 503, every error problem+json, no restart, /readyz 200', async () => {
    const { system } = await start();
    const url = system.adminUrl!;
    const send = async (r: Generated) => {
      const head = r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
      const answer = await rawHttp(url, `${r.method} ${r.target} ${r.version}\r\nHost: x\r\n${head}Connection: close\r\n\r\n${r.body}`);
      if (answer.status === 0) return; // closed without an answer (a body that never came): nothing was said
      const broken = brokenRule(answer.status, answer.headers['content-type'], answer.body, r.method);
      if (broken) throw new Error(`${broken}: ${answer.body.slice(0, 300)}`);
    };
    const batch = (arb: fc.Arbitrary<Generated>) => fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), async (rs) => void (await Promise.all(rs.map(send))));
    await fc.assert(batch(wellFormed), { seed: SEED, numRuns: 200 });
    await fc.assert(batch(raw), { seed: SEED, numRuns: 40 });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(restarted(system.status())).toEqual([]);
  });
});
