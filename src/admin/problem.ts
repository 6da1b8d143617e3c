/**
 * RFC 9457 problem details: every admin error is `application/problem+json` with a stable
 * `type` code, so clients branch on the code, never on the prose.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { clientErrorProblem, PROBLEM_CONTENT_TYPE, problemDocument, writeSocketProblem } from '../shared/problem.js';

export type ProblemCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_request'
  | 'unknown_actor'
  | 'invalid_query'
  | 'request_timeout'
  | 'expectation_failed'
  | 'headers_too_large'
  | 'unauthorized'
  | 'forbidden_origin'
  | 'forbidden_host'
  | 'invalid_json'
  | 'invalid_config'
  | 'invalid_params'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'conflict'
  | 'internal_error';

/** Characters of `detail` at most: details quote the request (paths, query values). */
const DETAIL_LIMIT = 2000;

const body = (status: number, code: ProblemCode, detail: string, extra: Record<string, unknown>) =>
  JSON.stringify(problemDocument(status, code, detail.length <= DETAIL_LIMIT ? detail : `${detail.slice(0, DETAIL_LIMIT)}… (cut)`, extra));

export function sendProblem(res: ServerResponse, status: number, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}): void {
  const text = body(status, code, detail, extra);
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * The answer to a connection node:http could not parse a request from (its 'clientError'):
 * a complete problem+json response written on the socket, which is then closed.
 */
export function sendSocketProblem(socket: Duplex, error: { code?: string }): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const { status, code, detail } = clientErrorProblem(error);
  writeSocketProblem(socket, status, problemDocument(status, code, detail));
}

export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, contentType = 'application/json'): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
