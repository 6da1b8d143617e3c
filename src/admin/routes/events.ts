/**
 * GET /events: Server-Sent Events of bus events (`?types=a,b` filters). Each client is a
 * lossy bus subscription: a slow client loses events (counted), never slows the bus.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Target } from '../server.js';
import type { AdminView } from '../view.js';

let clients = 0;

export function events(view: AdminView, req: IncomingMessage, res: ServerResponse, url: Target): void {
  const types = (url.searchParams.get('types') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': connected\n\n');
  const sub = view.events.subscribe(`admin-sse-${++clients}`, {
    ...(types.length > 0 ? { types } : {}),
    buffer: 1000,
    mode: 'lossy',
    lateJoin: true,
    handler: (event) => {
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    },
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  const end = () => {
    clearInterval(heartbeat);
    sub.unsubscribe();
  };
  req.on('close', end);
  res.on('close', end);
}
