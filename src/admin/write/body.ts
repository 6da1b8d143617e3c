/**
 * Reads a mutation's body: JSON only (415 otherwise), at most `limit` bytes (413, and the rest
 * is not read), parsed without prototype keys. Errors are typed so routes answer them as
 * problem+json with a stable code.
 */
import type { IncomingMessage } from 'node:http';
import { textNestsDeeper } from '../../eventstore/json-bounds.js';

export const WRITE_BODY_LIMIT = 1024 * 1024;
/** Nesting of a body at most: params and specs are shallow; deeper is refused before parsing. */
export const WRITE_BODY_DEPTH = 64;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: 'invalid_json' | 'payload_too_large' | 'unsupported_media_type',
    message: string,
  ) {
    super(message);
  }
}

/** Drops `__proto__` / `constructor.prototype` keys rather than let them reach a merge. */
const reviver = (key: string, value: unknown) => (key === '__proto__' ? undefined : value);

export async function readJsonBody(req: IncomingMessage, limit = WRITE_BODY_LIMIT): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    req.resume();
    throw new BodyError(415, 'unsupported_media_type', `the body must be application/json${type ? `, not ${type.slice(0, 100)}` : ''}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new BodyError(413, 'payload_too_large', `the body is ${declared} bytes; at most ${limit} are accepted`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new BodyError(413, 'payload_too_large', `the body is over ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (textNestsDeeper(text, WRITE_BODY_DEPTH)) throw new BodyError(400, 'invalid_json', `the body nests deeper than ${WRITE_BODY_DEPTH} levels`);
  if (text.trim() === '') throw new BodyError(400, 'invalid_json', 'the body is empty; expected JSON');
  try {
    return JSON.parse(text, reviver);
  } catch (error) {
    throw new BodyError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
