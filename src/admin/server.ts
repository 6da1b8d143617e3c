/**
 * The admin HTTP server (node:http, no framework: six read-only routes, the observer page of ui/ and the write API of
 * write/, and probes must stay close to a bare handler's speed). Every error is problem+json: unknown paths 404, wrong
 * methods 405, requests node:http cannot parse 400/431 (written on the socket), `Expect` 417,
 * a request not in within its timeout 408, a connection past the cap 503; a handler bug
 * answers 500 without taking the process down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyHttpLimits, type HttpLimits } from '../shared/problem.js';
import { sendProblem, sendSocketProblem } from './problem.js';
import { endEventStreams, events } from './routes/events.js';
import { health } from './routes/health.js';
import { livez, readyz } from './routes/probes.js';
import { metrics, status } from './routes/status.js';
import { observerAsset, observerPage } from './ui/index.js';
import type { AdminView } from './view.js';
import { handleWrite, WRITE_BASES } from './write/routes.js';

/** The parts of the request URL handlers read. */
export interface Target {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

type Handler = (view: AdminView, req: IncomingMessage, res: ServerResponse, url: Target, subpath: string) => void | Promise<void>;

const ROUTES: Record<string, Handler> = {
  '/livez': livez,
  '/readyz': readyz,
  '/health': health,
  '/status': status,
  '/metrics': metrics,
  '/events': events,
  // The observer page (DESIGN §15) and its bundled files.
  '/': (_view, req, res) => observerPage(req, res),
  '/ui': (_view, req, res, _url, subpath) => observerAsset(req, res, subpath),
};

/** Routes that answer about one actor at `/route/PATH` (and the page's files at `/ui/FILE`). */
const TAKES_SUBPATH = new Set(['/readyz', '/status', '/ui']);

export function handle(view: AdminView, req: IncomingMessage, res: ServerResponse): void {
  // Probes are polled constantly: split the target by hand rather than build a WHATWG URL.
  let raw = req.url ?? '/';
  if (raw[0] !== '/') {
    // absolute-form (`GET http://host/livez`, from proxies): the rare case pays for a URL
    try {
      const u = new URL(raw);
      raw = u.pathname + u.search;
    } catch {
      return sendProblem(res, 400, 'bad_request', 'malformed request URL');
    }
  }
  const q = raw.indexOf('?');
  const url: Target = { pathname: q < 0 ? raw : raw.slice(0, q), searchParams: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
  let base: string;
  let subpath: string;
  try {
    [base, subpath] = split(url.pathname);
  } catch {
    return sendProblem(res, 400, 'bad_request', 'malformed request URL');
  }
  if (WRITE_BASES.has(base)) return void handleWrite(view.control, req, res, base, subpath).catch((error: unknown) => fail(res, error));
  const route = ROUTES[base];
  if (!route) return sendProblem(res, 404, 'not_found', `no admin endpoint at ${url.pathname}`, { endpoints: [...Object.keys(ROUTES), ...(view.control ? WRITE_BASES : [])] });
  if (subpath && !TAKES_SUBPATH.has(base)) return sendProblem(res, 404, 'not_found', `no admin endpoint at ${url.pathname}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendProblem(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${base}; use GET`);
  }
  try {
    const done = route(view, req, res, url, subpath);
    if (done) done.catch((error: unknown) => fail(res, error));
  } catch (error) {
    fail(res, error);
  }
}

/** `/readyz/root/store` → ['/readyz', 'root/store']. */
function split(pathname: string): [string, string] {
  const second = pathname.indexOf('/', 1);
  if (second < 0) return [pathname, ''];
  return [pathname.slice(0, second), decodeURIComponent(pathname.slice(second + 1))];
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  sendProblem(res, 500, 'internal_error', (error as Error)?.message ?? String(error));
}

export interface AdminServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * What the admin endpoint holds clients to. Its routes read no body and answer at once, so a
 * request only takes long when the client is slow to send it; probes poll over keep-alive.
 */
export const ADMIN_HTTP_LIMITS: Readonly<HttpLimits> = { headersTimeoutMs: 10_000, bodyTimeoutMs: 30_000, idleTimeoutMs: 5000, maxConnections: 256 };

/** Listens on host:port (0 = any free port); resolves with the bound URL. `limits` override ADMIN_HTTP_LIMITS. */
export function listenAdmin(view: AdminView, host: string, port: number, limits: Partial<HttpLimits> = {}): Promise<AdminServer> {
  const server: Server = createServer((req, res) => handle(view, req, res));
  applyHttpLimits(server, { ...ADMIN_HTTP_LIMITS, ...limits });
  // Errors node:http would answer with an empty body: a bad request line, headers over 16 KiB,
  // a request not in within its timeout (ERR_HTTP_REQUEST_TIMEOUT), an `Expect`.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => sendSocketProblem(socket, error));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('connection', 'close'); // the body it announced will not be read
    sendProblem(res, 417, 'expectation_failed', `Expect: ${String(req.headers.expect).slice(0, 100)} is not supported; only 100-continue is`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shown}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            endEventStreams(view); // every /events client gets `event: shutdown` and its stream ends
            server.close(() => done());
            server.closeAllConnections(); // SSE clients would otherwise hold the close open
          }),
      });
    });
  });
}
