/**
 * GET /status: the supervision tree as JSON (DESIGN §8); `/status/PATH` answers one subtree
 * and `?depth=N` cuts either N levels below the node answered (a cut supervisor shows
 * `childCount` instead of `children`), so a very large tree need not be one response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendProblem } from '../problem.js';
import type { Target } from '../server.js';
import type { AdminView } from '../view.js';

const ROOT = 'root';

export function status(view: AdminView, _req: IncomingMessage, res: ServerResponse, url: Target, subpath = ''): void {
  const query = depthParam(url.searchParams);
  if (!query.ok) return sendProblem(res, 400, 'invalid_query', query.detail, { parameter: 'depth', value: query.value });
  const { depth } = query;
  const path = subpath.replace(/\/+$/, '') || ROOT;
  if (path === ROOT && depth === undefined) return sendJson(res, 200, view.status()); // as it always was
  const node = view.statusAt(path, depth);
  if (!node) return sendProblem(res, 404, 'unknown_actor', `no actor at path "${path}"`, { path });
  sendJson(res, 200, node);
}

type DepthQuery = { ok: true; depth: number | undefined } | { ok: false; detail: string; value: string };

/** `?depth=N`: an integer >= 0, given at most once; absent = the whole subtree. */
function depthParam(query: URLSearchParams): DepthQuery {
  const given = query.getAll('depth');
  if (given.length === 0) return { ok: true, depth: undefined };
  const value = given.join(',');
  if (given.length > 1) return { ok: false, detail: `depth: given ${given.length} times; give it once`, value };
  if (!/^\d{1,15}$/.test(value)) return { ok: false, detail: `depth: expected an integer >= 0, got ${JSON.stringify(value)}`, value };
  return { ok: true, depth: Number(value) };
}

export async function metrics(view: AdminView, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { contentType, body } = await view.metrics();
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
