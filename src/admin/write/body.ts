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

const mediaType = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/** The body is YAML text (`POST /apply` takes a config file as it is, to report positions in it). */
export const isYamlBody = (req: IncomingMessage) => YAML_TYPES.has(mediaType(req));

/** A YAML body as text (bounded like JSON); parsed by the config loader, which positions its problems. */
export async function readYamlBody(req: IncomingMessage, limit = WRITE_BODY_LIMIT): Promise<string> {
  return readText(req, limit);
}

export async function readJsonBody(req: IncomingMessage, limit = WRITE_BODY_LIMIT): Promise<unknown> {
  const type = mediaType(req);
  if (!isJson(type)) {
    req.resume();
    throw new BodyError(415, 'unsupported_media_type', `the body must be application/json${type ? `, not ${type.slice(0, 100)}` : ''}`);
  }
  const text = await readText(req, limit);
  if (textNestsDeeper(text, WRITE_BODY_DEPTH)) throw new BodyError(400, 'invalid_json', `the body nests deeper than ${WRITE_BODY_DEPTH} levels`);
  if (text.trim() === '') throw new BodyError(400, 'invalid_json', 'the body is empty; expected JSON');
  try {
    return JSON.parse(text, reviver);
  } catch (error) {
    throw new BodyError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Collects the body; past `limit` it stops keeping data but drains the rest, so the 413 can still be answered. */
function readText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyError(413, 'payload_too_large', `the body is ${declared} bytes; at most ${limit} are accepted`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) reject(new BodyError(413, 'payload_too_large', `the body is over ${limit} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
