/**
 * Helpers for the hostile-input tests and fuzzers (gateway and admin): raw HTTP on a socket,
 * for what fetch and inject() refuse to send, and the checks every answer must pass.
 */
import { connect, type Socket } from 'node:net';
import type { StatusNode } from '../../src/system/status.js';

export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `request` as is, ends our side, and reads the first answer: until its body is
 * complete (by content-length), its headers are in for an event stream, or the server closes.
 * A server that says nothing and keeps the connection for `timeoutMs` fails.
 */
export function rawHttp(url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (answer: RawAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const timer = setTimeout(() => {
      socket.destroy();
      if (!done) reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 200))}`));
      done = true;
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const answer = parseAnswer(Buffer.concat(chunks).toString('latin1'));
      if (answer.status === 0) return;
      const length = answer.headers['content-length'];
      if (/^text\/event-stream/.test(answer.headers['content-type'] ?? '') || (length !== undefined && answer.body.length >= Number(length))) finish(answer);
    });
    socket.on('error', () => undefined); // a reset after the answer: what was read counts
    socket.on('close', () => finish(parseAnswer(Buffer.concat(chunks).toString('latin1'))));
  });
}

function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/') || end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

/**
 * Why an answer breaks the rules every endpoint keeps (no 5xx but 503; every error a
 * problem+json document with a `type`), or undefined when it keeps them.
 */
export function brokenRule(status: number, contentType: string | undefined, body: string, method = 'GET'): string | undefined {
  if (status >= 500 && status !== 503) return `answered ${status}`;
  if (status < 400) return undefined;
  if (!/^application\/problem\+json/.test(contentType ?? '')) return `${status} with content-type ${String(contentType)}`;
  if (method === 'HEAD') return undefined;
  let doc: { type?: unknown; status?: unknown };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    return `${status} problem body is not JSON: ${body.slice(0, 200)}`;
  }
  if (typeof doc.type !== 'string' || !doc.type.startsWith('urn:overseer:problem:')) return `${status} problem without a type: ${body.slice(0, 200)}`;
  if (doc.status !== status) return `problem status ${String(doc.status)} on a ${status} answer`;
  return undefined;
}

/** Every actor of the tree that restarted, as `path: restarts` (empty: none did). */
export function restarted(node: StatusNode): string[] {
  const own = node.restarts > 0 ? [`${node.path}: ${node.restarts}`] : [];
  return own.concat(...(node.children ?? []).map(restarted));
}

/** A raw connection a slow client keeps open; `closed` resolves with all it received once the server closed it. */
export interface HeldConnection {
  socket: Socket;
  closed: Promise<string>;
}

/**
 * Opens a raw connection, writes `text` and keeps our side open (a client that is slow, not
 * gone). `guardMs` is a hang guard: `closed` rejects if the server still holds it then.
 * The caller destroys `socket` when the test ends.
 */
export function holdConnection(url: string, text: string, guardMs = 10_000): HeldConnection {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname, () => socket.write(text));
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (received += d));
  socket.on('error', () => undefined); // a reset after the answer: what was read counts
  const closed = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server still holds the connection after ${guardMs} ms; it sent ${JSON.stringify(received)}`)), guardMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
  return { socket, closed };
}

/** Resolves once the socket is connected. */
export const connected = (s: Socket) => new Promise((r) => (s.readyState === 'open' ? r(undefined) : s.once('connect', r)));

/** The last HTTP response in what a connection received: status, headers and the problem body. */
export function lastAnswer(text: string) {
  const at = text.lastIndexOf('HTTP/1.1 ');
  const end = text.indexOf('\r\n\r\n', at);
  const headers: Record<string, string> = {};
  for (const line of text.slice(at, end).split('\r\n').slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  const body = text.slice(end + 4);
  return { status: Number(text.slice(at + 9, at + 12)), headers, body, doc: JSON.parse(body) as { type: string; status: number } };
}

/** GETs `url` until it answers 200 (bounded): a server counts a connection gone only once its socket closed. */
export async function statusOnceFreed(url: string, attempts = 200): Promise<number> {
  let status = 0;
  for (let i = 0; i < attempts && status !== 200; i++) {
    const res = await fetch(url).catch(() => undefined);
    status = res?.status ?? 0;
    await res?.text();
  }
  return status;
}
