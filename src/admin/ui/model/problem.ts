/**
 * The server's problem+json answers as messages on the page: "401 unauthorized: the admin
 * token is not valid", with positioned problems listed one per line, and what the user can
 * do next when the code says (a missing or wrong token asks for one).
 */
import { isRecord, type WireProblem } from './wire.js';

export interface Message {
  readonly kind: 'error' | 'ok' | 'info';
  readonly text: string;
  /** Extra lines (positioned problems of a 400). */
  readonly lines: readonly string[];
  /** The stable code (`unauthorized`, `invalid_params`, …) of a problem. */
  readonly code?: string;
  /** The answer says the admin token is missing or wrong: the page asks for it. */
  readonly needsToken: boolean;
}

const PREFIX = 'urn:overseer:problem:';

/** The code of a problem document (`urn:overseer:problem:unauthorized` → `unauthorized`). */
export function problemCode(problem: WireProblem): string | undefined {
  return typeof problem.type === 'string' && problem.type.startsWith(PREFIX) ? problem.type.slice(PREFIX.length) : undefined;
}

/** A failed answer as a message; `body` is its text (problem+json, or anything else a proxy sent). */
export function problemMessage(status: number, body: string): Message {
  let problem: WireProblem | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) problem = parsed as WireProblem;
  } catch {
    problem = undefined;
  }
  if (!problem) return { kind: 'error', text: `${status}: ${body.trim().slice(0, 300) || 'no answer body'}`, lines: [], needsToken: status === 401 };
  const code = problemCode(problem);
  const title = problem.title ?? code ?? 'error';
  const lines = (problem.problems ?? []).map((p) => `${p.path ?? ''}${p.path ? ': ' : ''}${p.message ?? ''}`);
  return { kind: 'error', text: `${status} ${title}: ${problem.detail ?? ''}`.trim(), lines, ...(code === undefined ? {} : { code }), needsToken: status === 401 || code === 'unauthorized' };
}

/** A request that got no answer at all (the server is down, the network is gone). */
export function networkMessage(error: unknown): Message {
  return { kind: 'error', text: `no answer from the admin endpoint: ${(error as Error)?.message ?? String(error)}`, lines: [], needsToken: false };
}

export function okMessage(text: string): Message {
  return { kind: 'ok', text, lines: [], needsToken: false };
}
