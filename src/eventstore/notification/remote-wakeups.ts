/**
 * Wake-ups for appends made on other nodes (DESIGN §14): LISTEN on the journal's channel over
 * a dedicated connection (one NOTIFY per committed batch, a hint with the new head and the
 * streams written), and a poll of the head every `pollMs` as the fallback for a lost
 * connection or a missed notice. Neither carries events: a woken subscription reads the
 * journal, so a missed hint delays delivery by at most one poll, never loses anything.
 */
import pg from 'pg';
import { appendChannel, type AppendNotice } from '../journal/postgres.js';
import { pgClientConfig, quoteIdent, type PgTarget } from '../postgres/connection.js';

export interface RemoteWakeupOptions {
  /** Where to LISTEN; undefined: polling only. */
  readonly target?: PgTarget;
  /** This node: its own notices are skipped (its store already woke everyone). */
  readonly node: string;
  readonly pollMs: number;
  /** The journal's head, for polling. */
  readonly head: () => Promise<number>;
  /** Something new may be stored: `streams` written (undefined: any), up to `head`. */
  readonly wake: (head: number, streams: readonly string[] | undefined) => void;
  readonly logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** How long to wait before connecting again after the LISTEN connection failed, ms. */
const RECONNECT_MS = 1000;

/** Starts listening and polling; returns the stop function. */
export function startRemoteWakeups(options: RemoteWakeupOptions): () => void {
  let stopped = false;
  let client: pg.Client | undefined;
  let reconnect: ReturnType<typeof setTimeout> | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;
  let polling = false;
  let failures = 0;

  const onNotice = (message: pg.Notification) => {
    let notice: AppendNotice;
    try {
      notice = JSON.parse(message.payload ?? '') as AppendNotice;
    } catch {
      return options.wake(Number.MAX_SAFE_INTEGER, undefined); // not ours to parse: read, to be safe
    }
    if (notice.node === options.node) return;
    options.wake(typeof notice.head === 'number' ? notice.head : 0, Array.isArray(notice.streams) ? notice.streams : undefined);
  };

  const listen = async (target: PgTarget) => {
    if (stopped) return;
    const c = new pg.Client(pgClientConfig(target, `overseer ${options.node} notification`));
    client = c;
    const retry = (error: unknown) => {
      if (client !== c || stopped) return;
      client = undefined;
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (failures++ === 0) options.logger.warn({ err: error }, 'LISTEN connection lost: cross-node wake-ups fall back to polling until it is back');
      reconnect = setTimeout(() => void listen(target), RECONNECT_MS);
    };
    c.on('error', retry);
    c.on('end', () => retry(new Error('the LISTEN connection ended')));
    c.on('notification', onNotice);
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(appendChannel(target.schema))}`);
    } catch (error) {
      return retry(error);
    }
    if (failures > 0) options.logger.info({ failures }, 'LISTEN connection back');
    failures = 0;
    options.wake(Number.MAX_SAFE_INTEGER, undefined); // what was appended while not listening
  };

  if (options.target !== undefined) void listen(options.target);
  if (options.pollMs > 0) {
    poll = setInterval(() => {
      if (polling) return;
      polling = true;
      options
        .head()
        .then((head) => options.wake(head, undefined))
        .catch(() => undefined) // persistence says why elsewhere; the next poll tries again
        .finally(() => (polling = false));
    }, options.pollMs);
    poll.unref();
  }

  return () => {
    stopped = true;
    if (reconnect !== undefined) clearTimeout(reconnect);
    if (poll !== undefined) clearInterval(poll);
    const c = client;
    client = undefined;
    void c?.end().catch(() => undefined);
  };
}
