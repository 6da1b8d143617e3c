/**
 * The gateway's HTTP API (DESIGN §9) on fastify: routes → event-store client → actors.
 * Every failure is problem+json with a stable code; wrong methods answer 405 with `Allow`,
 * unknown paths 404, and nothing a client sends can make it answer 500.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../../shared/logger.js';
import { PROBLEM_CONTENT_TYPE } from '../../shared/problem.js';
import type { EventStoreClient } from '../client.js';
import { InvalidStoreRequestError } from '../errors.js';
import { checkStreamName } from '../store/requests.js';
import type { EventSink } from '../notification/sink.js';
import { problem, toProblem, type Problem } from './problems.js';
import { enumParam, intParam, stringParam } from './query.js';
import { serveSubscription } from './sse.js';

export interface GatewayAppOptions {
  client: EventStoreClient;
  logger: Logger;
  bodyLimit: number;
  keepAliveMs: number;
  subscriptionBuffer: number;
}

export interface GatewayApp {
  app: FastifyInstance;
  /** Open SSE subscriptions (ended when the gateway stops). */
  subscriptions: Set<EventSink>;
}

type Query = Record<string, string | string[] | undefined>;
type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const APPEND_KEYS = new Set(['expectedVersion', 'events']);

function noSchemas(): never {
  throw new Error('gateway routes take no JSON schemas: requests are validated by the store');
}

function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).headers(p.headers ?? {}).type(PROBLEM_CONTENT_TYPE).send(p.document);
}

export function buildGatewayApp(options: GatewayAppOptions): GatewayApp {
  const { client, logger } = options;
  const subscriptions = new Set<EventSink>();
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    // Stream names are up to 200 characters, more once percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    // Requests are validated once, by the store (zod); no route has a JSON schema. Declaring
    // that keeps fastify from loading ajv and fast-json-stringify: a third of start-up time.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  });

  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415, not a string body

  /** Registers `handlers` for `url`, and 405 with `Allow` for every other method. */
  const route = (url: string, handlers: Partial<Record<'GET' | 'POST', Handler>>) => {
    const allowed = Object.keys(handlers);
    for (const [method, handler] of Object.entries(handlers)) app.route({ method, url, handler });
    const others = METHODS.filter((m) => !allowed.includes(m));
    app.route({
      method: others as unknown as string[],
      url,
      handler: async (request, reply) =>
        sendProblem(reply.header('allow', allowed.join(', ')), problem(405, 'method_not_allowed', `${request.method} is not allowed on ${url}; allowed: ${allowed.join(', ')}`)),
    });
  };

  route('/api/v1/streams/:stream', {
    POST: async (request, reply) => {
      const { stream } = request.params as { stream: string };
      checkStreamName(stream);
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidStoreRequestError('body: expected a JSON object { expectedVersion?, events: [...] }');
      const unknown = Object.keys(body).filter((k) => !APPEND_KEYS.has(k));
      if (unknown.length > 0) throw new InvalidStoreRequestError(`body: unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected expectedVersion, events`);
      const { events, expectedVersion } = body as { events: never; expectedVersion?: never };
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

  route('/api/v1/subscribe', {
    GET: (request, reply) => serveSubscription(request, reply, client, { keepAliveMs: options.keepAliveMs, buffer: options.subscriptionBuffer, open: subscriptions }),
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)));
  app.setErrorHandler((error, request, reply) => {
    const p = toProblem(error);
    if (p.status >= 500) logger.error({ err: error, method: request.method, url: request.url }, 'gateway request failed');
    if (reply.raw.headersSent) return; // a stream already started: nothing more to say
    return sendProblem(reply, p);
  });
  return { app, subscriptions };
}
