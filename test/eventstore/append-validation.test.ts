import { describe, expect, it } from 'vitest';
import { isWellFormedAppend, parseRequest, requestSchemas } from '../../src/eventstore/store/requests.js';

const ok = { type: 'placed', data: { a: 1 } };
const inputs: Record<string, unknown>[] = [
  { stream: 's', events: [ok] },
  { stream: 's', expectedVersion: 3, events: [ok, { id: 'x', type: 't', data: null, metadata: {} }] },
  { stream: 's', expectedVersion: -1, events: [ok] },
  { stream: 's', expectedVersion: 'no_stream', events: [ok] },
  { stream: 's', expectedVersion: 'stream_exists', events: [{ type: 't', data: 0 }] },
  { stream: 's', expectedVersion: -2, events: [ok] },
  { stream: 's', expectedVersion: 1.5, events: [ok] },
  { stream: 's', expectedVersion: 'latest', events: [ok] },
  { stream: 's', expectedVersion: '3', events: [ok] },
  { stream: 's', events: [] },
  { stream: 's', events: 'x' },
  { stream: 's' },
  { stream: 3, events: [ok] },
  { stream: 's', events: [null] },
  { stream: 's', events: [[ok]] },
  { stream: 's', events: [{ type: '', data: 1 }] },
  { stream: 's', events: [{ type: 'x'.repeat(201), data: 1 }] },
  { stream: 's', events: [{ type: 7, data: 1 }] },
  { stream: 's', events: [{ type: 't' }] },
  { stream: 's', events: [{ type: 't', data: 1, id: '' }] },
  { stream: 's', events: [{ type: 't', data: 1, id: 5 }] },
  { stream: 's', events: [{ type: 't', data: 1, metadata: [] }] },
  { stream: 's', events: [{ type: 't', data: 1, metadata: null }] },
  { stream: 's', events: [{ type: 't', data: 1, extra: true }] },
];

describe('append validation', () => {
  it('the hand-written fast path accepts only what the zod schema accepts, with the same result', () => {
    let accepted = 0;
    for (const input of inputs) {
      const viaZod = requestSchemas.append.safeParse(input);
      if (isWellFormedAppend(input)) {
        accepted++;
        expect({ input, zod: viaZod.success }).toEqual({ input, zod: true });
        expect(parseRequest('append', input)).toEqual(viaZod.data);
      } else if (viaZod.success) {
        throw new Error(`fast path refused what zod accepts: ${JSON.stringify(input)}`);
      }
    }
    expect(accepted).toBe(5);
  });

  it('whatever the path, a bad append names the field', () => {
    expect(() => parseRequest('append', { stream: 's', events: [{ type: 't', data: 1, extra: true }] })).toThrow(/events\[0\]: .*extra/i);
    expect(() => parseRequest('append', { stream: '$s', events: [ok] })).toThrow(/reserved/);
  });
});
