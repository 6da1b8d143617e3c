/**
 * Who may change the running system through the admin endpoint (DESIGN §11): a bearer token
 * when one is configured (compared in constant time), no foreign browser `Origin` (CSRF), and
 * a `Host` that is the admin's own, a loopback name or a configured name (DNS rebinding).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface WriteAccess {
  /** The bearer token mutations need; undefined = none configured (then only a loopback bind is allowed). */
  readonly token: string | undefined;
  /** Host names (without port) a request may name besides loopback ones: the bind host and admin.allowedHosts. */
  readonly hosts: readonly string[];
  /** The port the endpoint listens on (known once it does): its own origins are http://<allowed host>:<port>. */
  port(): number | undefined;
}

export interface AccessDenied {
  status: 401 | 403;
  code: 'unauthorized' | 'forbidden_origin' | 'forbidden_host';
  detail: string;
  headers?: Record<string, string>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** A host (name or address) only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.has(h) || h.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** `example.com:7070` → `example.com`; `[::1]:7070` → `[::1]`. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

const allowedHost = (name: string, access: WriteAccess) => isLoopbackHost(name) || access.hosts.some((h) => h.toLowerCase() === name);

/** The endpoint's own page: http on its port, at a host the Host rule accepts. */
function isOwnOrigin(origin: string, access: WriteAccess): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file:) and anything unparsable are foreign
  }
  return url.protocol === 'http:' && Number(url.port || 80) === access.port() && allowedHost(url.hostname.toLowerCase(), access);
}

function tokenMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a request against the host, origin and token rules; undefined when it may go on. */
export function denied(req: IncomingMessage, access: WriteAccess): AccessDenied | undefined {
  const host = req.headers.host;
  if (host === undefined || host === '') return { status: 403, code: 'forbidden_host', detail: 'the request names no Host' };
  if (!allowedHost(hostName(host), access)) {
    return { status: 403, code: 'forbidden_host', detail: `Host ${host.slice(0, 200)} is not this admin endpoint's; add it to admin.allowedHosts if it is` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, access)) {
    return { status: 403, code: 'forbidden_origin', detail: `requests from the browser origin ${origin.slice(0, 200)} may not change this system` };
  }
  if (access.token === undefined) return undefined;
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m || !tokenMatches(m[1]!, access.token)) {
    return { status: 401, code: 'unauthorized', detail: auth === '' ? 'this endpoint needs Authorization: Bearer <admin token>' : 'the admin token is not valid', headers: { 'www-authenticate': 'Bearer realm="overseer"' } };
  }
  return undefined;
}
