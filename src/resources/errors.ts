/**
 * Typed failures of resources and controllers, each with a stable code and the facts a client
 * needs: a conflict says which resourceVersion was expected and which is there, an invalid
 * resource names the JSON pointer of every bad field.
 */
import { OverseerError, type ErrorCode } from '../shared/errors.js';

export type ResourceErrorCode = Extract<
  ErrorCode,
  | 'OVERSEER_ERR_RESOURCE_CONFLICT'
  | 'OVERSEER_ERR_RESOURCE_EXISTS'
  | 'OVERSEER_ERR_RESOURCE_NOT_FOUND'
  | 'OVERSEER_ERR_UNKNOWN_KIND'
  | 'OVERSEER_ERR_INVALID_RESOURCE'
  | 'OVERSEER_ERR_INVALID_SELECTOR'
  | 'OVERSEER_ERR_ILLEGAL_TRANSITION'
>;

/** The common base: an OverseerError whose code is one of ResourceErrorCode. */
export abstract class ResourceError extends OverseerError {
  constructor(code: ResourceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A write carried a resourceVersion that is not the resource's current one (someone wrote in between). */
export class ResourceConflictError extends ResourceError {
  constructor(
    readonly kind: string,
    readonly key: string,
    readonly expected: string,
    /** The current resourceVersion; null when the resource is gone or another node wrote it. */
    readonly actual: string | null,
  ) {
    super('OVERSEER_ERR_RESOURCE_CONFLICT', `${kind} ${key} is at resourceVersion ${actual ?? '(unknown)'}; the write expected ${expected}: read it again and retry`);
  }
}

export class ResourceExistsError extends ResourceError {
  constructor(
    readonly kind: string,
    readonly key: string,
  ) {
    super('OVERSEER_ERR_RESOURCE_EXISTS', `${kind} ${key} already exists`);
  }
}

export class ResourceNotFoundError extends ResourceError {
  constructor(
    readonly kind: string,
    readonly key: string,
  ) {
    super('OVERSEER_ERR_RESOURCE_NOT_FOUND', `${kind} ${key} does not exist`);
  }
}

export class UnknownKindError extends ResourceError {
  constructor(
    readonly kind: string,
    readonly known: readonly string[],
  ) {
    super('OVERSEER_ERR_UNKNOWN_KIND', `unknown kind "${kind.slice(0, 100)}"; this system serves ${known.length > 0 ? known.join(', ') : 'no kinds'}`);
  }
}

/** One bad field: `pointer` is an RFC 6901 JSON pointer into the resource (`/spec/replicas`). */
export interface ResourceProblem {
  readonly pointer: string;
  readonly message: string;
}

const SHOWN = 10;

/** A resource (or patch) that cannot be stored: every problem found, each with its JSON pointer. */
export class InvalidResourceError extends ResourceError {
  /** The pointer of the first problem. */
  readonly pointer: string;
  constructor(readonly problems: readonly ResourceProblem[]) {
    const shown = problems.slice(0, SHOWN).map((p) => `${p.pointer || '(resource)'}: ${p.message}`);
    if (problems.length > SHOWN) shown.push(`… ${problems.length} problems in all`);
    super('OVERSEER_ERR_INVALID_RESOURCE', shown.join('; '));
    this.pointer = problems[0]?.pointer ?? '';
  }
}

export class InvalidSelectorError extends ResourceError {
  constructor(
    readonly selector: string,
    reason: string,
  ) {
    super('OVERSEER_ERR_INVALID_SELECTOR', `invalid label selector ${JSON.stringify(selector.slice(0, 200))}: ${reason}`);
  }
}

/** A lifecycle machine refused a phase: not one of its states, or not reachable from the last one it wrote. */
export class IllegalTransitionError extends ResourceError {
  constructor(
    readonly from: string | undefined,
    readonly to: string,
    reason: string,
  ) {
    super('OVERSEER_ERR_ILLEGAL_TRANSITION', `illegal transition ${from ?? '(none)'} → ${to}: ${reason}`);
  }
}
