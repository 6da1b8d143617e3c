/**
 * RFC 9457 problem details, one format for every HTTP error Overseer serves (admin and
 * gateway): `type` is a stable code clients branch on, `detail` is prose for people.
 */

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
