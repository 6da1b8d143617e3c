/** GET /events read incrementally: frames across chunk boundaries, and bus events told apart from control frames. */
import { describe, expect, it } from 'vitest';
import { classify, SseParser } from '../../../../src/admin/ui/model/index.js';

const envelope = (type: string) => JSON.stringify({ id: 'x1', type, category: 'system', system: 's', node: 'n', source: 'root', time: 't', data: {} });

describe('SSE parser', () => {
  it('parses frames split anywhere, CRLF split across chunks included, skipping comments', () => {
    const text = `retry: 1000\r\n: connected\r\n\r\nid: 7\r\nevent: system_ready\r\ndata: ${envelope('system_ready')}\r\n\r\n`;
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const frames = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(frames).toEqual([{ event: 'system_ready', data: envelope('system_ready'), lastEventId: '7', hasId: true }]);
      expect(p.retryMs).toBe(1000);
    }
  });

  it('joins data lines; a frame without data is dropped; the last id carries over', () => {
    const p = new SseParser();
    const frames = p.push('id: 3\nevent: a\ndata: one\ndata: two\n\nevent: empty\n\ndata:x\n\n');
    expect(frames).toEqual([
      { event: 'a', data: 'one\ntwo', lastEventId: '3', hasId: true },
      { event: 'message', data: 'x', lastEventId: '3', hasId: false },
    ]);
  });

  it('tells a bus event from a control frame of the same name', () => {
    expect(classify({ event: 'shutdown', data: envelope('shutdown'), lastEventId: '9', hasId: true })).toMatchObject({ kind: 'event', seq: 9, event: { type: 'shutdown' } });
    expect(classify({ event: 'shutdown', data: '{"detail":"the server is stopping"}', lastEventId: '9', hasId: true })).toEqual({ kind: 'control', name: 'shutdown', data: { detail: 'the server is stopping' }, lastEventId: '9' });
    expect(classify({ event: 'gap', data: '{"missed":3}', lastEventId: undefined, hasId: false })).toMatchObject({ kind: 'control', name: 'gap' });
    expect(classify({ event: 'other', data: 'not json', lastEventId: undefined, hasId: false })).toEqual({ kind: 'unknown', name: 'other' });
  });
});
