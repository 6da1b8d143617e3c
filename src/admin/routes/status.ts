/** GET /status: the supervision tree as JSON (DESIGN §8). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../problem.js';
import type { AdminView } from '../view.js';

export function status(view: AdminView, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, view.status());
}

export async function metrics(view: AdminView, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { contentType, body } = await view.metrics();
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
