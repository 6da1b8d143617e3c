/**
 * The error catalogue: every failure the runtime reports is one of these classes, each with a
 * stable `code` (documented in the README) and the original `cause` kept.
 * Validation problems are values (ConfigError carries all of them); real failures crash actors.
 */

export type ErrorCode =
  | 'OVERSEER_ERR_CONFIG'
  | 'OVERSEER_ERR_UNKNOWN_ACTOR'
  | 'OVERSEER_ERR_NOT_A_SUPERVISOR'
  | 'OVERSEER_ERR_NOT_A_WORKER'
  | 'OVERSEER_ERR_ALREADY_STARTED'
  | 'OVERSEER_ERR_ALREADY_PRESENT'
  | 'OVERSEER_ERR_CHILD_RUNNING'
  | 'OVERSEER_ERR_CHILD_RESTARTING'
  | 'OVERSEER_ERR_START_FAILED'
  | 'OVERSEER_ERR_MAILBOX_FULL'
  | 'OVERSEER_ERR_MESSAGE_DROPPED'
  | 'OVERSEER_ERR_ASK_TIMEOUT'
  | 'OVERSEER_ERR_ASK_ABORTED'
  | 'OVERSEER_ERR_ASK_TARGET_EXITED'
  | 'OVERSEER_ERR_RESERVED_EVENT'
  | 'OVERSEER_ERR_READINESS_TIMEOUT'
  | 'OVERSEER_ERR_INVALID_BEHAVIOUR'
  | 'OVERSEER_ERR_NOT_SUPERVISED'
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
  | 'OVERSEER_ERR_STORE_UNAVAILABLE'
  // resources and controllers (src/resources/errors.ts)
  | 'OVERSEER_ERR_RESOURCE_CONFLICT'
  | 'OVERSEER_ERR_RESOURCE_EXISTS'
  | 'OVERSEER_ERR_RESOURCE_NOT_FOUND'
  | 'OVERSEER_ERR_UNKNOWN_KIND'
  | 'OVERSEER_ERR_INVALID_RESOURCE'
  | 'OVERSEER_ERR_INVALID_SELECTOR'
  | 'OVERSEER_ERR_ILLEGAL_TRANSITION';

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

/** An operation on a worker's params (updateParams) named a supervisor: supervisors have no params. */
export class NotAWorkerError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_NOT_A_WORKER', `"${path}" is a supervisor, not a worker; only workers have params`);
  }
}

/** startChild with an id already in use; `running` tells OTP's `already_started` from `already_present`. */
export abstract class ChildExistsError extends OverseerError {
  constructor(code: 'OVERSEER_ERR_ALREADY_STARTED' | 'OVERSEER_ERR_ALREADY_PRESENT', readonly path: string, readonly running: boolean) {
    super(code, running ? `child "${path}" is already started` : `child "${path}" is already present (not running); restartChild or deleteChild it first`);
  }
}

/** startChild of an id whose child runs (OTP: `{error, {already_started, Pid}}`). */
export class ChildAlreadyStartedError extends ChildExistsError {
  constructor(path: string) {
    super('OVERSEER_ERR_ALREADY_STARTED', path, true);
  }
}

/** startChild of an id whose child exists but does not run (OTP: `{error, already_present}`). */
export class ChildAlreadyPresentError extends ChildExistsError {
  constructor(path: string) {
    super('OVERSEER_ERR_ALREADY_PRESENT', path, false);
  }
}

/** restartChild or deleteChild of a running child (OTP: `{error, running}`). */
export class ChildRunningError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_CHILD_RUNNING', `child "${path}" is running; terminate it first`);
  }
}

/** restartChild or deleteChild of a child waiting for its restart (OTP: `{error, restarting}`). */
export class ChildRestartingError extends OverseerError {
  constructor(readonly path: string) {
    super('OVERSEER_ERR_CHILD_RESTARTING', `child "${path}" is waiting to restart (backoff)`);
  }
}

/** A child crashed during its start (OTP: `failed_to_start_child`); `cause` is its error. */
export class ChildStartError extends OverseerError {
  constructor(readonly path: string, cause: unknown) {
    super('OVERSEER_ERR_START_FAILED', `child "${path}" failed to start: ${messageOf(cause)}`, { cause });
  }
}

/** A message refused by a full mailbox whose overflow policy is `reject`. */
export class MailboxFullError extends OverseerError {
  constructor(readonly path: string, readonly capacity: number) {
    super('OVERSEER_ERR_MAILBOX_FULL', `mailbox of "${path}" is full (capacity ${capacity})`);
  }
}

/** A message lost before its actor saw it: mailbox overflow, or the child was terminated. */
export class MessageDroppedError extends OverseerError {
  constructor(readonly path: string, readonly reason: 'overflow' | 'terminated') {
    super('OVERSEER_ERR_MESSAGE_DROPPED', reason === 'overflow' ? `message to "${path}" dropped: mailbox full` : `message to "${path}" dropped: the child was terminated`);
  }
}

/** The actor an ask was delivered to exited without replying (like a monitor in gen_server:call). */
export class AskTargetExitedError extends OverseerError {
  constructor(readonly path: string, readonly reason: string, cause?: unknown) {
    super('OVERSEER_ERR_ASK_TARGET_EXITED', `"${path}" exited (${reason}) before replying`, cause === undefined ? undefined : { cause });
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

/** The system (or the target) is not running: stopped, or not started yet. `path` names the actor, when one is meant. */
export class NotRunningError extends OverseerError {
  readonly path: string | undefined;
  constructor(what: string, path?: string) {
    super('OVERSEER_ERR_NOT_RUNNING', `${what} is not running`);
    this.path = path;
  }
}

/** A behaviour registered (startSystem `behaviours`) that is not XState actor logic. */
export class InvalidBehaviourError extends OverseerError {
  constructor(readonly behaviour: string) {
    super('OVERSEER_ERR_INVALID_BEHAVIOUR', `behaviour "${behaviour}" is not XState actor logic (createMachine, fromCallback, …)`);
  }
}

/** runtimeOf(self) from an actor Overseer does not supervise (a raw createActor). */
export class NotSupervisedError extends OverseerError {
  constructor() {
    super('OVERSEER_ERR_NOT_SUPERVISED', 'runtimeOf: this actor is not supervised by Overseer (start it through a system, not createActor)');
  }
}

/**
 * A supervisor exceeded its restart intensity and gave up: it exits with reason `shutdown`
 * (escalation, as OTP). Names the child whose exit tripped it; `cause` is that child's error.
 */
export class RestartIntensityError extends OverseerError {
  constructor(
    readonly supervisor: string,
    readonly child: string,
    readonly restarts: number,
    readonly maxRestarts: number,
    readonly periodMs: number,
    cause?: unknown,
  ) {
    super(
      'OVERSEER_ERR_INTENSITY',
      `supervisor "${supervisor}" gave up: ${restarts} restarts in ${periodMs} ms exceed maxRestarts ${maxRestarts} (last exit: "${child}"${cause === undefined ? '' : `: ${messageOf(cause)}`})`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** A child missed its readiness deadline; it is failed and the exit counts as a crash. */
export class ReadinessTimeoutError extends OverseerError {
  constructor(readonly path: string, readonly timeoutMs: number) {
    super('OVERSEER_ERR_READINESS_TIMEOUT', `readiness_timeout: "${path}" not ready within ${timeoutMs} ms`);
  }
}

/** Lifecycle events (categories system and supervisor) are the runtime's to publish. */
export class ReservedEventError extends OverseerError {
  constructor(readonly type: string) {
    super('OVERSEER_ERR_RESERVED_EVENT', `"${type}" is a runtime lifecycle event; only the runtime publishes it`);
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
