/**
 * The workflows API on the gateway (DESIGN §13): `POST /api/v1/executions` (201
 * `{ executionId }`), `GET /api/v1/executions/{id}` (`{ status, result?, steps }`),
 * `GET …/{id}/events` (SSE, catch-up then live), `POST …/{id}/cancel`, and
 * `GET /api/v1/playbooks`. Other methods answer 405 with `Allow`; workflow errors are
 * problem+json here, the rest goes to the gateway's error handler.
 */
import { routeMethods } from '../../eventstore/gateway/route.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventStoreClient } from '../../eventstore/client.js';
import type { EventSink } from '../../eventstore/notification/sink.js';
import type { Logger } from '../../shared/logger.js';
import { PROBLEM_CONTENT_TYPE } from '../../shared/problem.js';
import type { WorkflowsClient } from '../client.js';
import { InvalidWorkflowRequestError } from '../errors.js';
import { serveExecutionEvents } from './events-sse.js';
import { workflowProblem, type WorkflowProblemAnswer } from './problems.js';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface WorkflowRoutesOptions {
  readonly client: WorkflowsClient;
  readonly store: EventStoreClient;
  readonly logger: Logger;
  readonly keepAliveMs: number;
  readonly subscriptionBuffer: number;
  /** The gateway's open subscriptions: it ends them when it stops. */
  readonly open: Set<EventSink>;
}

const CREATE_KEYS = new Set(['playbook', 'workload', 'executionId']);
const CANCEL_KEYS = new Set(['reason']);

function send(reply: FastifyReply, p: WorkflowProblemAnswer): FastifyReply {
  return reply.code(p.status).headers(p.headers ?? {}).type(PROBLEM_CONTENT_TYPE).send(p.document);
}

/** A JSON object body with only `keys` (absent: {} when `optional`). */
function body(request: FastifyRequest, keys: ReadonlySet<string>, optional = false): Record<string, unknown> {
  const value = request.body;
  if (value === undefined && optional) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidWorkflowRequestError(`body: expected a JSON object with ${[...keys].join(', ')}`);
  const unknown = Object.keys(value).filter((k) => !keys.has(k));
  if (unknown.length > 0) throw new InvalidWorkflowRequestError(`body: unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected ${[...keys].join(', ')}`);
  return value as Record<string, unknown>;
}

export function registerWorkflowRoutes(app: FastifyInstance, options: WorkflowRoutesOptions): void {
  const { client } = options;
  const guarded =
    (handler: Handler): Handler =>
    async (request, reply) => {
      try {
        return await handler(request, reply);
      } catch (error) {
        const p = workflowProblem(error, client.path);
        if (p) return send(reply, p);
        throw error;
      }
    };
  const route = (url: string, handlers: Partial<Record<'GET' | 'POST', Handler>>) =>
    routeMethods(app, url, Object.fromEntries(Object.entries(handlers).map(([m, h]) => [m, guarded(h!)])));
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  route('/api/v1/playbooks', { GET: () => client.playbooks() });

  route('/api/v1/executions', {
    POST: async (request, reply) => {
      const { playbook, workload, executionId } = body(request, CREATE_KEYS);
      if (typeof playbook !== 'string') throw new InvalidWorkflowRequestError('playbook: required, the name of a registered playbook (GET /api/v1/playbooks lists them)');
      if (executionId !== undefined && typeof executionId !== 'string') throw new InvalidWorkflowRequestError('executionId: expected a string');
      const created = await client.create({ playbook, workload, ...(executionId !== undefined ? { executionId } : {}) });
      return reply
        .code(created.created ? 201 : 200)
        .header('location', `/api/v1/executions/${encodeURIComponent(created.executionId)}`)
        .send(created);
    },
  });

  route('/api/v1/executions/:id', { GET: (request) => client.get(idOf(request)) });

  route('/api/v1/executions/:id/events', {
    GET: (request, reply) => serveExecutionEvents(request, reply, idOf(request), { store: options.store, keepAliveMs: options.keepAliveMs, buffer: options.subscriptionBuffer, open: options.open, logger: options.logger }),
  });

  route('/api/v1/executions/:id/cancel', {
    POST: async (request) => {
      const { reason } = body(request, CANCEL_KEYS, true);
      if (reason !== undefined && typeof reason !== 'string') throw new InvalidWorkflowRequestError('reason: expected a string');
      return client.cancel(idOf(request), reason as string | undefined);
    },
  });
}
