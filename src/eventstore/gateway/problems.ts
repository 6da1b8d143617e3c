/**
 * Every gateway error as `application/problem+json` with a stable code: store errors keep
 * their facts (a conflict carries expected and actual), HTTP parsing errors keep their 4xx,
 * errors node:http raises before fastify sees a request are written on the socket, and only
 * a real fault answers 500. A detail is capped, so no request can make a large answer.
 */
import { EventIdConflictError, InvalidStoreRequestError, StoreCorruptError, StoreUnavailableError, WrongExpectedVersionError, type InvalidStoreRequestProblem } from '../errors.js';
import { problemDocument, type ProblemDocument } from '../../shared/problem.js';

export type GatewayProblemCode =
  | InvalidStoreRequestProblem
  | 'invalid_json'
  | 'bad_request'
  | 'invalid_url'
  | 'stream_not_found'
  | 'wrong_expected_version'
  | 'event_id_conflict'
  | 'request_timeout'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'expectation_failed'
  | 'headers_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'store_unavailable'
  | 'store_corrupt'
  | 'internal_error';

export interface Problem {
  status: number;
  document: ProblemDocument;
  headers?: Record<string, string>;
}

/** Characters of `detail` at most: messages quote client input (names, values, unknown keys). */
export const DETAIL_LIMIT = 2000;

const capped = (detail: string) => (detail.length <= DETAIL_LIMIT ? detail : `${detail.slice(0, DETAIL_LIMIT)}… (${detail.length} characters, cut)`);

export const problem = (status: number, code: GatewayProblemCode, detail: string, extra?: Record<string, unknown>): Problem => ({
  status,
  document: problemDocument(status, code, capped(detail), extra),
});

/** Fastify's own client errors, by their code. */
const FASTIFY_CODES: Record<string, GatewayProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Statuses fastify gives its framework errors (FST_ERR_BAD_URL has none of its own). */
const FRAMEWORK_STATUS: Record<string, number> = { FST_ERR_BAD_URL: 400, FST_ERR_MAX_PARAM_LENGTH: 414 };

export function toProblem(error: unknown): Problem {
  if (error instanceof InvalidStoreRequestError) return problem(400, error.problem, error.message);
  if (error instanceof WrongExpectedVersionError) {
    return problem(409, 'wrong_expected_version', error.message, { stream: error.stream, expected: error.expected, actual: error.actual });
  }
  if (error instanceof EventIdConflictError) return problem(409, 'event_id_conflict', error.message, { eventId: error.eventId, existingStream: error.existingStream });
  if (error instanceof StoreCorruptError) return problem(503, 'store_corrupt', error.message); // no Retry-After: retrying does not repair a file
  if (error instanceof StoreUnavailableError) return { ...problem(503, 'store_unavailable', error.message), headers: { 'retry-after': '1' } };
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.code ? FRAMEWORK_STATUS[e.code] : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    const code: GatewayProblemCode = (e.code ? FASTIFY_CODES[e.code] : undefined) ?? (e.name === 'SyntaxError' ? 'invalid_json' : 'invalid_request');
    return problem(status, code, e.message ?? code);
  }
  return problem(500, 'internal_error', 'the gateway failed to answer; see the server log');
}

