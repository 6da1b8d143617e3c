/**
 * Server-Sent Events read from a fetch() body (an EventSource only hands named events to a
 * listener per name, and every bus type is a name): an incremental parser after the WHATWG
 * rules, and the split of GET /events frames into bus events and the stream's own control
 * frames (`gap`, `overflow`, `shutdown`, `problem`), which share the `event:` field with bus
 * types. A bus event is told apart by its data: an envelope whose `type` is the frame's name.
 */
import { isRecord, type WireEvent } from './wire.js';

export interface SseFrame {
  readonly event: string;
  readonly data: string;
  /** The last `id:` seen on the stream so far (the resume point), undefined before any. */
  readonly lastEventId: string | undefined;
  /** This frame carried its own `id:`. */
  readonly hasId: boolean;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private hasId = false;
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for (`retry:`). */
  retryMs: number | undefined;

  /** Feeds a piece of the body; returns the frames it completed. */
  push(chunk: string): SseFrame[] {
    this.buffer += chunk;
    const frames: SseFrame[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (c === '\r' && i === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, i), frames);
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return frames;
  }

  private line(line: string, frames: SseFrame[]): void {
    if (line === '') return this.dispatch(frames);
    if (line[0] === ':') return; // a comment (`: connected`, `: keep-alive`)
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    switch (name) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastEventId = value;
          this.hasId = true;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
  }

  private dispatch(frames: SseFrame[]): void {
    if (this.data.length > 0) frames.push({ event: this.event || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId, hasId: this.hasId });
    this.data = [];
    this.event = '';
    this.hasId = false;
  }
}

export const CONTROL_FRAMES = new Set(['gap', 'overflow', 'shutdown', 'problem']);

export type Frame =
  | { readonly kind: 'event'; readonly seq: number; readonly event: WireEvent }
  | { readonly kind: 'control'; readonly name: string; readonly data: Record<string, unknown>; readonly lastEventId: string | undefined }
  | { readonly kind: 'unknown'; readonly name: string };

export function classify(frame: SseFrame): Frame {
  let data: unknown;
  try {
    data = JSON.parse(frame.data);
  } catch {
    return { kind: 'unknown', name: frame.event };
  }
  if (isRecord(data) && data.type === frame.event && typeof data.id === 'string' && typeof data.source === 'string' && typeof data.category === 'string') {
    return { kind: 'event', seq: frame.hasId ? Number(frame.lastEventId) : NaN, event: data as unknown as WireEvent };
  }
  if (CONTROL_FRAMES.has(frame.event)) return { kind: 'control', name: frame.event, data: isRecord(data) ? data : {}, lastEventId: frame.lastEventId };
  return { kind: 'unknown', name: frame.event };
}
