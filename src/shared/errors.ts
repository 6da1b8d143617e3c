/**
 * The error catalogue: every failure the runtime reports is one of these classes, each with a
 * stable `code` (documented in the README) and the original `cause` kept.
 * Validation problems are values (ConfigError carries all of them); real failures crash actors.
 */

export type ErrorCode =
  | 'OVERSEER_ERR_CONFIG'
  | 'OVERSEER_ERR_UNKNOWN_ACTOR'
  | 'OVERSEER_ERR_NOT_A_SUPERVISOR'
  | 'OVERSEER_ERR_CHILD_EXISTS'
  | 'OVERSEER_ERR_CHILD_RUNNING'
  | 'OVERSEER_ERR_MAILBOX_FULL'
  | 'OVERSEER_ERR_ASK_TIMEOUT'
  | 'OVERSEER_ERR_ASK_ABORTED'
  | 'OVERSEER_ERR_NOT_RUNNING'
  | 'OVERSEER_ERR_INTENSITY'
  | 'OVERSEER_ERR_READY_TIMEOUT'
  | 'OVERSEER_ERR_REQUEST_INVALID'
  | 'OVERSEER_ERR_REQUEST_TIMEOUT'
  | 'OVERSEER_ERR_REQUEST_ABORTED'
  | 'OVERSEER_ERR_USAGE'
  | 'OVERSEER_ERR_WRONG_EXPECTED_VERSION'
  | 'OVERSEER_ERR_EVENT_ID_CONFLICT'
  | 'OVERSEER_ERR_INVALID_STORE_REQUEST'
  | 'OVERSEER_ERR_STORE_UNAVAILABLE';

export class OverseerError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One positioned problem in a config file: `FILE:LINE:COL: path.to.field: message`. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

/** `FILE:LINE:COL: path: message`; without a position (objects, env, unreadable files) `FILE: path: message`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return `${where}: ${p.path || '(root)'}: ${p.message}`;
}

/** A config that cannot be started. Carries every problem found, not just the first. */
export class ConfigError extends OverseerError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super('OVERSEER_ERR_CONFIG', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** No actor or supervisor lives at this path. */
export class UnknownActorError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_UNKNOWN_ACTOR', `no actor at path "${path}"`);
  }
}

export class NotASupervisorError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_NOT_A_SUPERVISOR', `"${path}" is a worker, not a supervisor`);
  }
}

export class ChildExistsError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_CHILD_EXISTS', `a child already exists at "${path}"`);
  }
}

/** deleteChild on a child that is still running (OTP: `{error, running}`). */
export class ChildRunningError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_CHILD_RUNNING', `child "${path}" is running; terminate it first`);
  }
}

/** A message refused by a full mailbox whose overflow policy is `reject`. */
export class MailboxFullError extends OverseerError {
  constructor(readonly path: string, readonly capacity: number) {
    super('OVERSEER_ERR_MAILBOX_FULL', `mailbox of "${path}" is full (capacity ${capacity})`);
  }
}

export class AskTimeoutError extends OverseerError {
  constructor(readonly path: string, readonly timeoutMs: number) {
    super('OVERSEER_ERR_ASK_TIMEOUT', `no reply from "${path}" within ${timeoutMs} ms`);
  }
}

export class AskAbortedError extends OverseerError {
  constructor(readonly path: string, cause?: unknown) {
    super('OVERSEER_ERR_ASK_ABORTED', `ask to "${path}" was aborted`, { cause });
  }
}

/** The system (or the target) is not running: stopped, or not started yet. */
export class NotRunningError extends OverseerError {
  constructor(what: string) {
    super('OVERSEER_ERR_NOT_RUNNING', `${what} is not running`);
  }
}

/** A supervisor exceeded its restart intensity and gave up (escalates to its parent). */
export class RestartIntensityError extends OverseerError {
  constructor(readonly supervisor: string, readonly restarts: number, readonly periodMs: number) {
    super(
      'OVERSEER_ERR_INTENSITY',
      `supervisor "${supervisor}" exceeded ${restarts} restarts in ${periodMs} ms and gave up`,
    );
  }
}

export class ReadyTimeoutError extends OverseerError {
  constructor(readonly timeoutMs: number, readonly missingSystems: readonly string[]) {
    super(
      'OVERSEER_ERR_READY_TIMEOUT',
      `system not ready within ${timeoutMs} ms; missing: ${missingSystems.join(', ') || '(none)'}`,
    );
  }
}

export class UsageError extends OverseerError {
  constructor(message: string) {
    super('OVERSEER_ERR_USAGE', message);
  }
}

/** A scatter-gather request with impossible options (no responders, minResponses out of range). */
export class RequestInvalidError extends OverseerError {
  constructor(message: string) {
    super('OVERSEER_ERR_REQUEST_INVALID', message);
  }
}

/** The part of a scatter-gather result that arrived, carried by its timeout and abort errors. */
export interface PartialGather {
  responses: { responder: string; data: unknown }[];
  errors: { responder: string; error: string }[];
}

export class RequestTimeoutError extends OverseerError {
  constructor(
    readonly requestType: string,
    readonly timeoutMs: number,
    readonly partial: PartialGather,
  ) {
    super('OVERSEER_ERR_REQUEST_TIMEOUT', `request "${requestType}": ${partial.responses.length} response(s) within ${timeoutMs} ms; missing: ${partial.errors.map((e) => e.responder).join(', ')}`);
  }
}

export class RequestAbortedError extends OverseerError {
  constructor(
    readonly requestType: string,
    readonly partial: PartialGather,
    cause?: unknown,
  ) {
    super('OVERSEER_ERR_REQUEST_ABORTED', `request "${requestType}" was aborted`, { cause });
  }
}
