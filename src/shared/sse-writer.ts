/**
 * Server-Sent Events onto a node:http response, behind both the admin `/events` and the
 * gateway's `/api/v1/subscribe`. Backpressure is the socket's: `writable` is false from a false
 * `res.write()` until 'drain', and producers wait rather than write on, so a slow client costs
 * its socket buffer and no more. Every stream ends with a counted reason and a final frame.
 */
import type { ServerResponse } from 'node:http';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { silentLogger, type Logger } from './logger.js';

export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' } as const;

const SHUTDOWN = { detail: 'the server is stopping; reconnect with Last-Event-ID to resume' };

export interface SseFrame {
  event?: string;
  id?: string | number;
  data?: string;
}

/**
 * Why a stream ended. The last three send a final frame named after the reason
 * (`event: overflow`, `event: shutdown`, `event: problem`): the client fell too far behind
 * (or took nothing for `stallMs`), the server stops, the source failed.
 */
export type SseEndReason = 'client_closed' | 'overflow' | 'shutdown' | 'problem';

export interface SseWriterOptions {
  /** A comment line this often keeps proxies from closing an idle stream (default 15000 ms; 0: none). */
  keepAliveMs?: number;
  /** A client whose socket stays full this long is disconnected with `event: overflow` (default 60000 ms; 0: never). */
  stallMs?: number;
  /** How long a final frame may take to leave before the socket is destroyed (default 1000 ms). */
  closeGraceMs?: number;
  /** The reconnection delay the client is told (`retry:`, default 1000 ms). */
  retryMs?: number;
  /** Stamped as `id:` on the final frame, so the client resumes from exactly there (a filtered reader's place). */
  resumeId?: () => string | number | undefined;
  clock?: Clock;
  logger?: Logger;
  /** The registry this stream counts in (open streams, ends by reason; ended all at shutdown). */
  streams?: SseStreams;
  /** Called once when the stream ends, whatever ended it. */
  onEnd?: (reason: SseEndReason) => void;
}

export interface SseWriterStats {
  frames: number;
  /** Bytes the response holds now that the socket has not taken. */
  bufferedBytes: number;
  /** The most it ever held: the memory a slow client costs. */
  peakBufferedBytes: number;
  /** Times the socket filled up (`res.write()` returned false). */
  blocked: number;
}

export class SseWriter {
  private full = false;
  private reason: SseEndReason | undefined;
  private readonly waiters: ((writable: boolean) => void)[] = [];
  private keepAlive: TimerHandle | undefined;
  private stall: TimerHandle | undefined;
  private grace: TimerHandle | undefined;
  private readonly clock: Clock;
  private readonly counts = { frames: 0, peakBufferedBytes: 0, blocked: 0 };

  /** Sends the 200 head and the `retry:` line; the client is connected when it reads them. */
  static open(res: ServerResponse, options: SseWriterOptions = {}): SseWriter {
    res.writeHead(200, SSE_HEADERS);
    return new SseWriter(res, options);
  }

  private constructor(
    private readonly res: ServerResponse,
    private readonly options: SseWriterOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    res.on('drain', this.onDrain);
    res.on('close', this.onClose);
    options.streams?.add(this);
    this.write(`retry: ${options.retryMs ?? 1000}\n: connected\n\n`);
    this.armKeepAlive();
  }

  /** False once the socket is full (wait for `whenWritable()`) or the stream has ended. */
  get writable(): boolean {
    return !this.full && this.reason === undefined;
  }

  /** Why the stream ended; undefined while it is open. */
  get ended(): SseEndReason | undefined {
    return this.reason;
  }

  get stats(): SseWriterStats {
    return { ...this.counts, bufferedBytes: this.res.writableLength };
  }

  /** Writes one frame; returns `writable` (false: stop until `whenWritable()`). Ignored once ended. */
  send(frame: SseFrame): boolean {
    if (this.reason === undefined) {
      this.counts.frames++;
      this.write(format(frame));
    }
    return this.writable;
  }

  /** Resolves true when the socket takes data again, false when the stream ends first. */
  whenWritable(): Promise<boolean> {
    if (this.reason !== undefined) return Promise.resolve(false);
    if (!this.full) return Promise.resolve(true);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Ends the stream, once. `overflow`, `shutdown` and `problem` send a final frame of that
   * name carrying `detail` as JSON, unless the socket is full at a shutdown: then the
   * connection is cut at once, so a stopping server never waits for a client that is not reading.
   */
  end(reason: SseEndReason, detail: Record<string, unknown> = reason === 'shutdown' ? SHUTDOWN : {}): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const t of [this.keepAlive, this.stall]) if (t !== undefined) this.clock.clearTimeout(t);
    this.res.off('drain', this.onDrain);
    this.options.streams?.remove(this, reason);
    const log = this.options.logger ?? silentLogger();
    if (reason === 'overflow') log.warn({ ...detail, ...this.stats }, 'SSE client disconnected: it fell too far behind or stopped reading');
    else log.debug({ reason }, 'SSE stream ended');
    for (const resolve of this.waiters.splice(0)) resolve(false);
    this.options.onEnd?.(reason);
    if (reason === 'client_closed' || this.res.destroyed) return;
    if (this.full && reason === 'shutdown') return void this.res.destroy();
    this.res.end(format({ event: reason, id: this.options.resumeId?.(), data: JSON.stringify(detail) }));
    // A client that does not read would hold the socket (and a server's close) forever.
    this.grace = this.clock.setTimeout(() => this.res.destroy(), this.options.closeGraceMs ?? 1000);
    this.res.once('finish', this.clearGrace);
  }

  private write(text: string): void {
    const taken = this.res.write(text);
    this.counts.peakBufferedBytes = Math.max(this.counts.peakBufferedBytes, this.res.writableLength);
    if (taken || this.full) return;
    this.full = true;
    this.counts.blocked++;
    const stallMs = this.options.stallMs ?? 60_000;
    if (stallMs > 0) this.stall = this.clock.setTimeout(() => this.end('overflow', { reason: 'stalled', detail: `the client took nothing for ${stallMs} ms` }), stallMs);
  }

  private readonly onDrain = (): void => {
    if (this.stall !== undefined) this.clock.clearTimeout(this.stall);
    this.stall = undefined;
    this.full = false;
    for (const resolve of this.waiters.splice(0)) resolve(true);
  };

  private readonly onClose = (): void => {
    this.clearGrace();
    this.end('client_closed');
  };

  private readonly clearGrace = (): void => {
    if (this.grace !== undefined) this.clock.clearTimeout(this.grace);
    this.grace = undefined;
  };

  private armKeepAlive(): void {
    const every = this.options.keepAliveMs ?? 15_000;
    if (every <= 0) return;
    this.keepAlive = this.clock.setTimeout(() => {
      if (this.reason !== undefined) return;
      if (!this.full) this.write(': keep-alive\n\n');
      this.armKeepAlive();
    }, every);
  }
}

/** The open streams of one endpoint, and how each that ended did. */
export class SseStreams {
  private readonly live = new Set<SseWriter>();
  /** Streams ended since this registry was made, by reason. */
  readonly ended: Record<SseEndReason, number> = { client_closed: 0, overflow: 0, shutdown: 0, problem: 0 };

  get open(): number {
    return this.live.size;
  }

  writers(): SseWriter[] {
    return [...this.live];
  }

  /** Ends every open stream with `event: shutdown` (the server stops). */
  shutdown(): void {
    for (const writer of this.writers()) writer.end('shutdown');
  }

  /** @internal */
  add(writer: SseWriter): void {
    this.live.add(writer);
  }

  /** @internal */
  remove(writer: SseWriter, reason: SseEndReason): void {
    if (this.live.delete(writer)) this.ended[reason]++;
  }
}

/** Answers HEAD on an SSE endpoint: the GET's head, no stream. */
export function answerHead(res: ServerResponse): void {
  res.writeHead(200, SSE_HEADERS);
  res.end();
}

/**
 * The client's resume point: the `Last-Event-ID` header, else `?lastEventId=` (an EventSource
 * cannot set headers on its first connection). Both are non-negative integers here.
 */
export function lastEventIdOf(header: string | string[] | undefined, query: string | string[] | null | undefined): { id?: number; invalid?: string } {
  for (const [name, raw] of [['Last-Event-ID', header], ['lastEventId', query]] as const) {
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return { invalid: `${name}: expected a non-negative integer, got ${JSON.stringify(raw)}` };
    return { id: Number(raw) };
  }
  return {};
}

function format(frame: SseFrame): string {
  let out = '';
  if (frame.id !== undefined) out += `id: ${frame.id}\n`;
  if (frame.event !== undefined) out += `event: ${frame.event}\n`;
  // A field ends at a line break: data with line breaks is one data line per line.
  if (frame.data !== undefined) for (const line of frame.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}
