/**
 * The gateway's HTTP API (DESIGN §9) on fastify: routes → event-store client → actors.
 * Every failure is problem+json with a stable code, also those fastify and node:http answer
 * by themselves (bad URLs, unparseable requests, oversized headers, `Expect`, closing);
 * wrong methods answer 405 with `Allow`, unknown paths 404, and nothing a client sends can
 * make it answer 500. Appends are held to the JSON bounds here too, before the store. A
 * client too slow to send its request gets 408, one past the connection cap 503 (`limits`).
 */
import { METHODS, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../../shared/logger.js';
import { PROBLEM_CONTENT_TYPE } from '../../shared/problem.js';
import type { EventStoreClient } from '../client.js';
import { InvalidStoreRequestError } from '../errors.js';
import { checkEventBounds, EVENT_LIMITS, textNestsDeeper } from '../json-bounds.js';
import { servableEvent } from '../journal/stored-event.js';
import type { StoredEvent } from '../model.js';
import { checkStreamName } from '../store/requests.js';
import type { EventSink } from '../notification/sink.js';
import { problem, toProblem, type Problem } from './problems.js';
import { applyHttpLimits, clientErrorProblem, problemDocument, writeSocketProblem, type HttpLimits } from '../../shared/problem.js';
import { enumParam, intParam, stringParam } from './query.js';
import { gatewayParams } from './params.js';
import { serveSubscription } from './sse.js';
import type { resourcesClient } from '../../resources/client.js';
import { routeMethods } from './route.js';
import { registerResourceRoutes } from '../../resources/http/routes.js';
import type { WorkflowsClient } from '../../workflows/client.js';
import { registerWorkflowRoutes } from '../../workflows/http/routes.js';

export interface GatewayAppOptions {
  client: EventStoreClient;
  logger: Logger;
  bodyLimit: number;
  keepAliveMs: number;
  subscriptionBuffer: number;
  /** The gateway params' defaults when left out (tests that build the app alone). */
  limits?: HttpLimits;
  /** Serves /api/v1/resources (DESIGN §12) through this client when given. */
  resources?: ReturnType<typeof resourcesClient>;
  /** Serves /api/v1/executions and /api/v1/playbooks (DESIGN §13) through this client when given. */
  workflows?: WorkflowsClient;
}

export interface GatewayApp {
  app: FastifyInstance;
  /** Open SSE subscriptions (ended when the gateway stops). */
  subscriptions: Set<EventSink>;
}

type Query = Record<string, string | string[] | undefined>;
type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
const APPEND_KEYS = new Set(['expectedVersion', 'events']);
/** The body object, its `events` array and an event around the bound of `data` and `metadata`. */
const BODY_DEPTH = EVENT_LIMITS.depth + 3;

function noSchemas(): never {
  throw new Error('gateway routes take no JSON schemas: requests are validated by the store');
}

function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).headers(p.headers ?? {}).type(PROBLEM_CONTENT_TYPE).send(p.document);
}

/**
 * JSON.stringify, and when a page of events cannot be written (an in-memory event changed
 * after it was stored), the page with that event served without its data rather than a 500.
 */
function serialize(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    const events = (payload as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) throw error;
    return JSON.stringify({ ...(payload as object), events: (events as StoredEvent[]).map(servableEvent) });
  }
}

export function buildGatewayApp(options: GatewayAppOptions): GatewayApp {
  const { client, logger } = options;
  const subscriptions = new Set<EventSink>();
  let closing = false;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    // Answered below as problem+json (fastify's own 503 is plain JSON); fastify still adds
    // `Connection: close` to every answer while closing.
    return503OnClosing: false,
    // A bad percent-encoding, an over-long path parameter: fastify's own JSON otherwise.
    frameworkErrors: (error, _request, reply) => sendProblem(reply, toProblem(error)),
    // Requests node:http cannot parse (bad request line, unknown method, headers over 16 KiB).
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET') return void socket.destroy();
      const { status, code, detail } = clientErrorProblem(error);
      writeSocketProblem(socket, status, problemDocument(status, code, detail));
    },
    // Stream names are up to 200 characters, more once percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    // Requests are validated once, by the store (zod); no route has a JSON schema. Declaring
    // that keeps fastify from loading ajv and fast-json-stringify: a third of start-up time.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  });

  // fastify's own defaults: no request timeout at all (a body that never ends is held
  // forever) and 72 s of idle keep-alive. Set before listen; fastify set its own at creation.
  applyHttpLimits(app.server, options.limits ?? gatewayParams.parse({}));

  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415, not a string body
  // fastify's own JSON parser (prototype poisoning refused), after a scan that refuses deep
  // nesting before parsing it costs anything: { events: [ { data: <the bound> } ] }.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (!textNestsDeeper(body as string, BODY_DEPTH)) return parseJson(request, body as string, done);
    done(new InvalidStoreRequestError(`body: nested deeper than ${BODY_DEPTH} levels; data and metadata may nest ${EVENT_LIMITS.depth}`, 'nesting_too_deep'), undefined);
  });
  // Methods node parses but fastify does not route (PROPFIND, LINK…) answer 405 like the rest.
  for (const method of METHODS) if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method);
  app.setReplySerializer(serialize);
  // An `Expect` other than 100-continue: node answers an empty 417 unless someone listens.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const p = problem(417, 'expectation_failed', `Expect: ${String(request.headers.expect).slice(0, 100)} is not supported; only 100-continue is`);
    const body = JSON.stringify(p.document);
    response.writeHead(p.status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    sendProblem(reply, { ...problem(503, 'store_unavailable', 'the gateway is shutting down; retry'), headers: { 'retry-after': '1' } });
  });

  const route = (url: string, handlers: Partial<Record<'GET' | 'POST', Handler>>) => routeMethods(app, url, handlers);

  route('/api/v1/streams/:stream', {
    POST: async (request, reply) => {
      const { stream } = request.params as { stream: string };
      checkStreamName(stream);
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidStoreRequestError('body: expected a JSON object { expectedVersion?, events: [...] }');
      const unknown = Object.keys(body).filter((k) => !APPEND_KEYS.has(k));
      if (unknown.length > 0) throw new InvalidStoreRequestError(`body: unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected expectedVersion, events`);
      const { events, expectedVersion } = body as { events: never; expectedVersion?: never };
      if (Array.isArray(events)) checkEventBounds(events); // the shape is the store's to check
      const result = await client.append(stream, events, { expectedVersion });
      return reply.code(201).header('location', `/api/v1/streams/${encodeURIComponent(stream)}`).send(result);
    },
    GET: async (request, reply) => {
      const { stream } = request.params as { stream: string };
      const query = request.query as Query;
      checkStreamName(stream);
      const result = await client.read(stream, { from: intParam(query, 'from'), limit: intParam(query, 'limit'), direction: enumParam(query, 'direction', ['forward', 'backward'] as const) });
      if (result.version < 0) return sendProblem(reply, problem(404, 'stream_not_found', `stream "${stream}" has no events`, { stream }));
      const etag = `"${result.version}"`;
      reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return result;
    },
  });

  route('/api/v1/streams', {
    GET: async (request) => {
      const query = request.query as Query;
      return client.listStreams({ after: stringParam(query, 'after'), limit: intParam(query, 'limit') });
    },
  });

  route('/api/v1/all', {
    GET: async (request) => {
      const query = request.query as Query;
      return client.readAll({ from: intParam(query, 'from'), limit: intParam(query, 'limit') });
    },
  });

  // Membership as this node's cluster actor sees it (DESIGN §14); leader null while none is elected.
  route('/api/v1/cluster', {
    GET: async () => {
      const { members, leader, term } = await client.members();
      return { members, leader: leader ?? null, term };
    },
  });

  route('/api/v1/subscribe', {
    GET: (request, reply) => serveSubscription(request, reply, client, { keepAliveMs: options.keepAliveMs, buffer: options.subscriptionBuffer, open: subscriptions, logger }),
  });

  if (options.resources) registerResourceRoutes(app, { client: options.resources, logger, keepAliveMs: options.keepAliveMs, subscriptionBuffer: options.subscriptionBuffer, open: subscriptions });
  if (options.workflows) registerWorkflowRoutes(app, { client: options.workflows, store: client, logger, keepAliveMs: options.keepAliveMs, subscriptionBuffer: options.subscriptionBuffer, open: subscriptions });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)));
  app.setErrorHandler((error, request, reply) => {
    const p = toProblem(error);
    if (p.status >= 500) logger.error({ err: error, method: request.method, url: request.url }, 'gateway request failed');
    if (reply.raw.headersSent) return; // a stream already started: nothing more to say
    return sendProblem(reply, p);
  });
  return { app, subscriptions };
}
