/**
 * Every gateway error as `application/problem+json` with a stable code: store errors keep
 * their facts (a conflict carries expected and actual), HTTP parsing errors keep their 4xx,
 * and only a real fault answers 500.
 */
import { EventIdConflictError, InvalidStoreRequestError, StoreUnavailableError, WrongExpectedVersionError } from '../errors.js';
import { problemDocument, type ProblemDocument } from '../../shared/problem.js';

export type GatewayProblemCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_stream_name'
  | 'reserved_stream_name'
  | 'stream_not_found'
  | 'wrong_expected_version'
  | 'event_id_conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'store_unavailable'
  | 'internal_error';

export interface Problem {
  status: number;
  document: ProblemDocument;
  headers?: Record<string, string>;
}

export const problem = (status: number, code: GatewayProblemCode, detail: string, extra?: Record<string, unknown>): Problem => ({
  status,
  document: problemDocument(status, code, detail, extra),
});

/** Fastify's own client errors (body parsing), by their code. */
const FASTIFY_CODES: Record<string, GatewayProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

export function toProblem(error: unknown): Problem {
  if (error instanceof InvalidStoreRequestError) return problem(400, error.problem, error.message);
  if (error instanceof WrongExpectedVersionError) {
    return problem(409, 'wrong_expected_version', error.message, { stream: error.stream, expected: error.expected, actual: error.actual });
  }
  if (error instanceof EventIdConflictError) return problem(409, 'event_id_conflict', error.message, { eventId: error.eventId, existingStream: error.existingStream });
  if (error instanceof StoreUnavailableError) return { ...problem(503, 'store_unavailable', error.message), headers: { 'retry-after': '1' } };
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code: GatewayProblemCode = (e.code ? FASTIFY_CODES[e.code] : undefined) ?? (e.name === 'SyntaxError' ? 'invalid_json' : 'invalid_request');
    return problem(e.statusCode, code, e.message ?? code);
  }
  return problem(500, 'internal_error', 'the gateway failed to answer; see the server log');
}
