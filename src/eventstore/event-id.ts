/**
 * Ids for events whose client gave none: UUID version 7 (RFC 9562), time-ordered. Ordered ids
 * land at the right edge of the journal's unique id index instead of at random pages, which
 * keeps each group commit's write (and fsync) small: random ids cost about 2× per commit.
 */
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = new Uint8Array(10 * 256);
let offset = pool.length;

export function newEventId(now = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = pool.subarray(offset, (offset += 10));
  const ts = now.toString(16).padStart(12, '0');
  const h = (i: number) => HEX[r[i]!]!;
  // 48-bit ms timestamp | version 7 + 12 random bits | variant 10 + 62 random bits
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${h(0).slice(1)}${h(1)}-${HEX[(r[2]! & 0x3f) | 0x80]}${h(3)}-${h(4)}${h(5)}${h(6)}${h(7)}${h(8)}${h(9)}`;
}
