/**
 * RFC 9457 problem details, one format for every HTTP error Overseer serves (admin and
 * gateway): `type` is a stable code clients branch on, `detail` is prose for people. Also
 * the raw-socket answers both servers share: unparseable or late requests, and the
 * connection cap (a refused connection is told why, in the same format).
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extra: string]: unknown;
}

export function problemDocument(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): ProblemDocument {
  return { type: `urn:overseer:problem:${code}`, title: code.replace(/_/g, ' '), status, detail, ...extra };
}

/** What to answer an error node:http raised on a connection before any request was parsed (its 'clientError'). */
export function clientErrorProblem(error: { code?: string }): { status: number; code: string; detail: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', detail: 'the request line and headers exceed the server limit (16 KiB); a long URL counts' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_REQUEST_TIMEOUT_HEADERS':
      return { status: 408, code: 'request_timeout', detail: 'the request did not arrive in time' };
    default:
      return { status: 400, code: 'bad_request', detail: `the request is not valid HTTP/1.1${error.code ? ` (${error.code})` : ''}` };
  }
}

/**
 * Writes a problem as a complete HTTP response on a raw socket and closes it: for a
 * connection whose request node:http could not parse, where no response object exists.
 */
export function writeSocketProblem(socket: Duplex, status: number, document: ProblemDocument): void {
  if (socket.destroyed) return;
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy()); // written: drop whatever else the client sends
  socket.end(rawProblemResponse(status, document));
}

function rawProblemResponse(status: number, document: ProblemDocument, headers = ''): string {
  const body = JSON.stringify(document);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\n${headers}connection: close\r\n\r\n${body}`;
}

/** How long a refused connection may stay open for its client to read the 503 and close. */
const REFUSED_LINGER_MS = 2000;

/**
 * Caps the connections `server` serves at once at `max`. One more is answered
 * `503 too_many_connections` with `Retry-After` and closed before node:http sees it, so no
 * request of it runs (node's own `server.maxConnections` closes it without a word, and a
 * 'connection' listener would run alongside node:http's parser, not instead of it). Every
 * connection counts, an idle keep-alive one or an SSE subscription as much as a request.
 */
export function capConnections(server: Server, max: number, retryAfterSeconds = 1): void {
  let open = 0;
  const emit = server.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  // net.Server announces every accepted socket through emit('connection'): the one place
  // a connection can be kept from node:http's connection listener.
  server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'connection') {
      const socket = args[0] as Socket;
      if (open >= max) {
        refuseConnection(socket, max, retryAfterSeconds);
        return true;
      }
      open++;
      socket.once('close', () => open--);
    }
    return emit.call(this, event, ...args);
  } as Server['emit'];
}

function refuseConnection(socket: Socket, max: number, retryAfterSeconds: number): void {
  const document = problemDocument(503, 'too_many_connections', `the server already holds its limit of ${max} connections; retry later`);
  socket.on('error', () => socket.destroy());
  // Read and drop what the client sends: closing with its request unread would reset the
  // connection, and a reset can reach the client before our answer does.
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  socket.end(rawProblemResponse(503, document, `retry-after: ${retryAfterSeconds}\r\n`));
}

/** What a server holds its clients to (DESIGN §8, §9): both servers take the same four. */
export interface HttpLimits {
  /** Request line and headers in, ms (at most `bodyTimeoutMs`); then 408 request_timeout. */
  headersTimeoutMs: number;
  /** The whole request in, body included, ms; then 408. Never bounds a response (SSE). */
  bodyTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long between requests, ms. */
  idleTimeoutMs: number;
  /** Connections at once; one more is answered 503 too_many_connections and closed. */
  maxConnections: number;
}

/**
 * Sets `limits` on a node:http server before it listens. Node looks for late requests only
 * every `connectionsCheckingInterval` (30 s by default, longer than a small timeout itself),
 * so the check runs at a quarter of the shorter timeout, between 10 ms and 1 s.
 */
export function applyHttpLimits(server: Server, limits: HttpLimits): void {
  server.requestTimeout = limits.bodyTimeoutMs;
  // node refuses headersTimeout > requestTimeout: the whole request bounds its headers too
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(10, Math.min(1000, Math.floor(server.headersTimeout / 4)));
  server.keepAliveTimeout = limits.idleTimeoutMs;
  capConnections(server, limits.maxConnections);
}
