/**
 * RFC 9457 problem details, one format for every HTTP error Overseer serves (admin and
 * gateway): `type` is a stable code clients branch on, `detail` is prose for people.
 */
import { STATUS_CODES } from 'node:http';
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
  const body = JSON.stringify(document);
  socket.once('finish', () => socket.destroy()); // written: drop whatever else the client sends
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`);
}
