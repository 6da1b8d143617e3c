import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStoreRequestError } from '../../src/eventstore/errors.js';
import { checkEventBounds, EVENT_LIMITS, jsonCharsChecked, listProblems, textNestsDeeper } from '../../src/eventstore/json-bounds.js';
import { storedEvent } from '../../src/eventstore/journal/stored-event.js';

const SEED = 0x5eed;
const envelope = { id: 'i', stream: 's', version: 0, position: 1, type: 't', time: '2026-01-01T00:00:00.000Z' };
const nested = (depth: number): unknown => {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('JSON bounds', () => {
  it('counts what JSON.stringify writes, escapes as one character each', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const escapes = (JSON.stringify(value).match(/\\/g) ?? []).length; // each escape adds at least one character
        const chars = jsonCharsChecked(value, 'data');
        expect(chars).toBeLessThanOrEqual(JSON.stringify(value).length);
        if (escapes === 0) expect(chars).toBe(JSON.stringify(value).length);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it(`accepts ${EVENT_LIMITS.depth} levels of nesting and refuses ${EVENT_LIMITS.depth + 1}, naming the path`, () => {
    expect(() => jsonCharsChecked(nested(EVENT_LIMITS.depth), 'data')).not.toThrow();
    expect(() => jsonCharsChecked(nested(EVENT_LIMITS.depth + 1), 'data')).toThrow(expect.objectContaining({ problem: 'nesting_too_deep', message: expect.stringMatching(/^data\.a\[0\]\.a/) }));
    expect(() => jsonCharsChecked(nested(100_000), 'data')).toThrow(InvalidStoreRequestError); // no stack overflow in the checker
  });

  it('refuses what JSON cannot carry, by code', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [Number.NaN, 'number_not_finite'],
      [[1, -Infinity], 'number_not_finite'],
      [{ n: 1n }, 'not_json'],
      [{ s: Symbol('s') }, 'not_json'],
      [new Map(), 'not_json'],
      [{ d: new Date(0) }, 'not_json'],
      [cyclic, 'nesting_too_deep'],
    ];
    for (const [value, problem] of cases) expect(() => jsonCharsChecked(value, 'data')).toThrow(expect.objectContaining({ problem }));
  });

  it('bounds events per append and the JSON text of one event', () => {
    expect(() => checkEventBounds(Array(EVENT_LIMITS.eventsPerAppend + 1).fill({ type: 't', data: 0 }))).toThrow(expect.objectContaining({ problem: 'too_many_events' }));
    const half = 'x'.repeat(EVENT_LIMITS.eventChars / 2);
    expect(() => checkEventBounds([{ type: 't', data: half, metadata: { m: half } }])).toThrow(expect.objectContaining({ problem: 'event_too_large', message: expect.stringMatching(/^events\[0\]/) }));
    expect(() => checkEventBounds([{ type: 't', data: half.slice(100) }, null, 3])).not.toThrow(); // not events: the shape check names them
  });

  it('tells deep JSON text before parsing it, whatever brackets, quotes and backslashes its strings hold', () => {
    const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    const tricky = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(tricky, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), (v, max) => {
        expect(textNestsDeeper(JSON.stringify(v), max)).toBe(depthOf(v) > max && JSON.stringify(v).length > 2 * max);
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(textNestsDeeper(`{"events":[{"data":${'['.repeat(500_000)}${']'.repeat(500_000)}}]}`, 67)).toBe(true);
  });

  it('lists the first problems and counts the rest', () => {
    const message = listProblems(Array.from({ length: 5000 }, (_, i) => `events[${i}].type: required`));
    expect(message).toMatch(/^events\[0\]\.type: required; .*events\[9\]\.type: required; … 5000 problems in all, the first 10 shown$/);
    expect(message.length).toBeLessThan(400);
  });

  it('a stored row that does not parse, or lies outside the bounds, reads as the event without its data', () => {
    expect(storedEvent(envelope, '{"a":1}', '{}')).toEqual({ ...envelope, data: { a: 1 }, metadata: {} });
    for (const [data, metadata] of [['{"cut', '{}'], ['['.repeat(5000) + ']'.repeat(5000), '{}'], ['1', '[]']]) {
      expect(storedEvent(envelope, data!, metadata!)).toEqual({ ...envelope, data: null, metadata: {}, problem: { type: 'urn:overseer:problem:unreadable_event', title: 'unreadable event', detail: expect.any(String) } });
    }
  });
});
