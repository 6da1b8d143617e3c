import { describe, expect, it } from 'vitest';
import { urlAlphabet } from 'nanoid';
import { newId } from '../../src/shared/ids.js';

describe('newId', () => {
  it('makes 21-character ids of the nanoid alphabet, distinct across many pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add(newId());
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 500)) {
      expect(id).toHaveLength(21);
      for (const c of id) expect(urlAlphabet).toContain(c);
    }
  });

  it('uses every character of the alphabet about equally (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) for (const c of newId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(64);
    const expected = (20_000 * 21) / 64; // 6562.5 per character
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.1);
  });
});
