/**
 * RFC 9457 problem details: every admin error is `application/problem+json` with a stable
 * `type` code, so clients branch on the code, never on the prose.
 */
import type { ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../shared/problem.js';

export type ProblemCode = 'not_found' | 'method_not_allowed' | 'bad_request' | 'unknown_actor' | 'invalid_query';

export function sendProblem(res: ServerResponse, status: number, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}): void {
  const body = JSON.stringify(problemDocument(status, code, detail, extra));
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
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
