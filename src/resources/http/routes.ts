/**
 * The resources API on the gateway (DESIGN §12): `/api/v1/resources/{kind}` (list, create,
 * `?watch=true` as SSE), `/{kind}/{namespace}/{name}` (GET, PUT, PATCH as merge patch, DELETE)
 * and its `/status` subresource. Every other method on these paths is 405 with `Allow`;
 * resource errors are problem+json here, the rest goes to the gateway's error handler.
 */
import { routeMethods } from '../../eventstore/gateway/route.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidStoreRequestError } from '../../eventstore/errors.js';
import { enumParam, stringParam } from '../../eventstore/gateway/query.js';
import { EVENT_LIMITS, textNestsDeeper } from '../../eventstore/json-bounds.js';
import type { EventSink } from '../../eventstore/notification/sink.js';
import type { Logger } from '../../shared/logger.js';
import { PROBLEM_CONTENT_TYPE } from '../../shared/problem.js';
import type { resourcesClient } from '../client.js';
import { resourceProblem, type ResourceProblemAnswer } from './problems.js';
import { serveWatch } from './watch-sse.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Query = Record<string, string | string[] | undefined>;
type Params = { kind: string; namespace: string; name: string };

export interface ResourceRoutesOptions {
  client: ReturnType<typeof resourcesClient>;
  logger: Logger;
  keepAliveMs: number;
  subscriptionBuffer: number;
  /** The gateway's open subscriptions: it ends them when it stops. */
  open: Set<EventSink>;
}

const PATCH_TYPES = ['application/merge-patch+json'];
/** A resource nests 3 levels above its spec in the stored event; the body one less. */
const BODY_DEPTH = EVENT_LIMITS.depth;

function send(reply: FastifyReply, p: ResourceProblemAnswer): FastifyReply {
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(p.document);
}

/** Resource errors answered here; anything else is rethrown for the gateway's handler. */
const guarded =
  (handler: Handler): Handler =>
  async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      const p = resourceProblem(error);
      if (p) return send(reply, p);
      throw error;
    }
  };

function body(request: FastifyRequest): Record<string, unknown> {
  const value = request.body;
  if (value === undefined) throw new InvalidStoreRequestError('body: expected a JSON object (content-type: application/json)');
  return value as Record<string, unknown>;
}

export function registerResourceRoutes(app: FastifyInstance, options: ResourceRoutesOptions): void {
  const { client } = options;
  // PATCH bodies are merge patches (RFC 7386); their media type parses as JSON, bounded alike.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(PATCH_TYPES, { parseAs: 'string' }, (request, text, done) => {
    if (!textNestsDeeper(text as string, BODY_DEPTH)) return parseJson(request, text as string, done);
    done(new InvalidStoreRequestError(`body: nested deeper than ${BODY_DEPTH} levels`, 'nesting_too_deep'), undefined);
  });

  const route = (url: string, handlers: Partial<Record<Method, Handler>>) =>
    routeMethods(app, url, Object.fromEntries(Object.entries(handlers).map(([m, h]) => [m, guarded(h!)])));
  const at = (request: FastifyRequest) => request.params as Params;
  const location = (kind: string, o: { metadata: { namespace: string; name: string } }) => `/api/v1/resources/${encodeURIComponent(kind)}/${o.metadata.namespace}/${o.metadata.name}`;

  route('/api/v1/resources', { GET: async () => ({ kinds: await client.kinds() }) });

  route('/api/v1/resources/:kind', {
    GET: async (request, reply) => {
      const query = request.query as Query;
      const { kind } = at(request);
      const namespace = stringParam(query, 'namespace');
      const labelSelector = stringParam(query, 'labelSelector');
      const watch = enumParam(query, 'watch', ['true', 'false', '1', '0'] as const);
      if (watch === 'true' || watch === '1') {
        return serveWatch(request, reply, client, { kind, namespace, labelSelector, resourceVersion: stringParam(query, 'resourceVersion') }, options);
      }
      return client.list(kind, { namespace, labelSelector });
    },
    POST: async (request, reply) => {
      const { kind } = at(request);
      const created = await client.create(kind, body(request));
      return reply.code(201).header('location', location(kind, created)).send(created);
    },
  });

  route('/api/v1/resources/:kind/:namespace/:name', {
    GET: async (request) => {
      const { kind, namespace, name } = at(request);
      return client.get(kind, namespace, name);
    },
    PUT: async (request) => {
      const { kind, namespace, name } = at(request);
      return client.replace(kind, { namespace, name }, body(request));
    },
    PATCH: async (request) => {
      const { kind, namespace, name } = at(request);
      return client.patch(kind, namespace, name, body(request));
    },
    DELETE: async (request, reply) => {
      const { kind, namespace, name } = at(request);
      const resourceVersion = stringParam(request.query as Query, 'resourceVersion');
      const object = await client.delete(kind, namespace, name, { resourceVersion });
      // 202: finalizers still hold it (deletionTimestamp set); 200: it is gone.
      return reply.code(object.metadata.finalizers.length > 0 ? 202 : 200).send(object);
    },
  });

  route('/api/v1/resources/:kind/:namespace/:name/status', {
    GET: async (request) => {
      const { kind, namespace, name } = at(request);
      return client.get(kind, namespace, name);
    },
    PUT: async (request) => {
      const { kind, namespace, name } = at(request);
      return client.replaceStatus(kind, { namespace, name }, body(request));
    },
    PATCH: async (request) => {
      const { kind, namespace, name } = at(request);
      return client.patchStatus(kind, namespace, name, body(request));
    },
  });
}
