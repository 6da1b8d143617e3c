/**
 * Resource errors as problem+json (codes listed in the README): a conflict carries expected and
 * actual resourceVersions, an invalid resource the JSON pointer of each bad field. A system
 * without a `resources` actor answers 404 `resources_not_served`. Anything else is the gateway's
 * to answer (its own codes: store_unavailable, invalid_request, …).
 */
import { StoreUnavailableError } from '../../eventstore/errors.js';
import { UnknownActorError } from '../../shared/errors.js';
import { problemDocument, type ProblemDocument } from '../../shared/problem.js';
import { InvalidResourceError, InvalidSelectorError, ResourceConflictError, ResourceExistsError, ResourceNotFoundError, UnknownKindError } from '../errors.js';

export interface ResourceProblemAnswer {
  status: number;
  document: ProblemDocument;
}

const DETAIL_LIMIT = 2000;
const answer = (status: number, code: string, detail: string, extra?: Record<string, unknown>): ResourceProblemAnswer => ({
  status,
  document: problemDocument(status, code, detail.length <= DETAIL_LIMIT ? detail : `${detail.slice(0, DETAIL_LIMIT)}…`, extra),
});

/** The answer for a resource error, or undefined for an error that is not one. */
export function resourceProblem(error: unknown): ResourceProblemAnswer | undefined {
  if (error instanceof ResourceConflictError) return answer(409, 'conflict', error.message, { kind: error.kind, key: error.key, expected: error.expected, actual: error.actual });
  if (error instanceof ResourceExistsError) return answer(409, 'already_exists', error.message, { kind: error.kind, key: error.key });
  if (error instanceof ResourceNotFoundError) return answer(404, 'resource_not_found', error.message, { kind: error.kind, key: error.key });
  if (error instanceof UnknownKindError) return answer(404, 'unknown_kind', error.message, { known: error.known });
  if (error instanceof InvalidResourceError) return answer(400, 'invalid_resource', error.message, { pointer: error.pointer, problems: error.problems.slice(0, 10) });
  if (error instanceof InvalidSelectorError) return answer(400, 'invalid_selector', error.message);
  if (error instanceof StoreUnavailableError && error.cause instanceof UnknownActorError) {
    return answer(404, 'resources_not_served', `this system runs no resources actor (${error.cause.path}); add one (behaviour: resources) to serve resources`);
  }
  return undefined;
}
