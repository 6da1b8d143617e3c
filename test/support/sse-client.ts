/**
 * A node:http SSE client for tests: records every frame, tells data frames from control
 * frames by the caller's rule, and can stop reading its socket (a slow client on purpose).
 */
import { get, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

export class SseClient {
  readonly frames: Frame[] = [];
  ended = false;
  closed = false;
  private buffer = '';

  private constructor(
    readonly res: IncomingMessage,
    readonly socket: Socket,
    private readonly isEvent: (frame: Frame) => boolean,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.parse(chunk));
    res.on('end', () => (this.ended = true));
    res.on('close', () => (this.closed = true));
    res.on('error', () => (this.closed = true));
  }

  /** Resolves once the first block (`retry:` / `: connected`) arrived: the stream exists. */
  static connect(url: string, isEvent: (frame: Frame) => boolean, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = get(url, { headers, agent: false }, (res) => {
        const client = new SseClient(res, req.socket!, isEvent);
        res.once('data', () => resolve(client));
      });
      req.on('error', reject);
    });
  }

  /** The data frames received (what `isEvent` accepts). */
  events(): Frame[] {
    return this.frames.filter(this.isEvent);
  }

  /** Stops reading: the response (so node:http does not resume the socket for it) and the socket. */
  pause(): void {
    this.res.pause();
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
    this.res.resume();
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        const m = /^(id|event|data): (.*)$/.exec(line);
        if (m) frame[m[1] as keyof Frame] = m[2];
      }
      if (frame.id !== undefined || frame.event !== undefined || frame.data !== undefined) this.frames.push(frame);
    }
  }
}
