/**
 * Ids for incarnations, events and requests: nanoid's format (21 characters of its URL-safe
 * alphabet, 126 random bits) made from a pooled random buffer in one slice. nanoid builds its
 * id by string concatenation, which V8 keeps as a chain of ~9 cons strings (~290 B) until
 * flattened: a quarter of what an idle supervised actor costs. This string is flat (~40 B).
 */
import { randomFillSync } from 'node:crypto';
import { urlAlphabet } from 'nanoid';

const SIZE = 21;
const POOL_IDS = 128;
const CODES = Uint8Array.from(urlAlphabet, (c) => c.charCodeAt(0));
const pool = Buffer.allocUnsafe(SIZE * POOL_IDS);
let offset = pool.length;

function refill(): void {
  randomFillSync(pool);
  // 256 is a multiple of the alphabet's 64 characters: `& 63` keeps every character equally likely.
  for (let i = 0; i < pool.length; i++) pool[i] = CODES[pool[i]! & 63]!;
  offset = 0;
}

/** A fresh 21-character URL-safe id, e.g. `V1StGXR8_Z5jdHi6B-myT`. */
export function newId(): string {
  if (offset === pool.length) refill();
  const id = pool.toString('latin1', offset, offset + SIZE);
  offset += SIZE;
  return id;
}
