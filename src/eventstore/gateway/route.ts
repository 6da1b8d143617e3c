/**
 * One gateway URL: its method handlers, and 405 problem+json with `Allow` for every other
 * method fastify routes (PROPFIND, TRACE, QUERY…; HEAD comes with GET). The store's, the
 * resources' and the workflows' routes all register through it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../../shared/problem.js';

export type GatewayHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function routeMethods(app: FastifyInstance, url: string, handlers: Partial<Record<string, GatewayHandler>>): void {
  const allowed = Object.keys(handlers);
  for (const [method, handler] of Object.entries(handlers)) app.route({ method, url, handler: handler! });
  const others = app.supportedMethods.filter((m) => !allowed.includes(m) && m !== 'HEAD');
  app.route({
    method: others as unknown as string[],
    url,
    handler: async (request, reply) =>
      reply
        .code(405)
        .header('allow', allowed.join(', '))
        .type(PROBLEM_CONTENT_TYPE)
        .send(problemDocument(405, 'method_not_allowed', `${request.method} is not allowed on ${url}; allowed: ${allowed.join(', ')}`)),
  });
}
