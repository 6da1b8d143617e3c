/**
 * GET /events read with fetch(): the first connection replays what the server's
 * recent-events ring holds (`lastEventId=0`), later ones resume after the last id seen, with
 * the server's `retry:` delay growing to 5 s while it stays away. Bus events and the
 * stream's control frames are handed on separately.
 */
import { classify, SseParser, type WireEvent } from '../model/index.js';

export interface StreamHandlers {
  event(seq: number, event: WireEvent): void;
  /** `gap`, `overflow`, `shutdown`, `problem` frames. */
  control(name: string, data: Record<string, unknown>): void;
  /** Connected (headers received): `resumed` after a reconnect. */
  open(resumed: boolean): void;
  /** The stream ended or failed; a reconnect follows after `retryMs`. */
  closed(retryMs: number, why: string): void;
}

const MAX_RETRY_MS = 5000;

export class EventStream {
  private lastId = '0';
  private attempts = 0;
  private readonly abort = new AbortController();
  private connectedOnce = false;

  constructor(private readonly handlers: StreamHandlers) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const parser = new SseParser();
      let why = 'the stream ended';
      try {
        const res = await fetch(`events?lastEventId=${encodeURIComponent(this.lastId)}`, { headers: { accept: 'text/event-stream' }, cache: 'no-store', signal: this.abort.signal });
        if (!res.ok || !res.body) throw new Error(`/events answered ${res.status}`);
        this.handlers.open(this.connectedOnce);
        this.connectedOnce = true;
        this.attempts = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const frame of parser.push(value)) this.frame(frame);
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        why = (error as Error).message;
      }
      if (parser.lastEventId !== undefined) this.lastId = parser.lastEventId;
      const retryMs = Math.min(MAX_RETRY_MS, (parser.retryMs ?? 1000) * 2 ** Math.min(this.attempts, 3));
      this.attempts++;
      this.handlers.closed(retryMs, why);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  private frame(frame: Parameters<typeof classify>[0]): void {
    const f = classify(frame);
    if (f.kind === 'event') this.handlers.event(f.seq, f.event);
    else if (f.kind === 'control') this.handlers.control(f.name, f.data);
  }
}
