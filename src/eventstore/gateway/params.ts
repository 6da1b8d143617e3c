/** Params of the `gateway` behaviour (checked at config load, parsed with defaults at start; described in systems/schema.json). */
import { z } from 'zod';

export const gatewayParams = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Interface the HTTP API listens on.'),
    port: z.number().int().min(0).max(65535).default(2113).describe('HTTP port; 0 = any free port (the log and /status say which). --gateway-port overrides it.'),
    bodyLimit: z.number().int().min(1024).default(1024 * 1024).describe('Largest request body accepted, bytes (413 above it).'),
    requestTimeoutMs: z.number().int().min(1).default(5000).describe('How long a request waits for the store before answering 503, ms.'),
    keepAliveMs: z.number().int().min(100).default(15_000).describe('Comment line sent on idle subscriptions so proxies keep them open, ms.'),
    subscriptionBuffer: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe('Events waiting unread per subscription before it pauses and later re-reads from the store.'),
    headersTimeoutMs: z
      .number()
      .int()
      .min(10)
      .default(10_000)
      .describe('How long a client may take to send the request line and headers, ms (at most bodyTimeoutMs); then 408 request_timeout and the connection is closed.'),
    bodyTimeoutMs: z
      .number()
      .int()
      .min(10)
      .default(30_000)
      .describe('How long a client may take to send a whole request, body included, ms; then 408 request_timeout. Bounds receiving the request only: a subscription stream lasts as long as it likes.'),
    idleTimeoutMs: z.number().int().min(10).default(5000).describe('How long an idle keep-alive connection is kept between requests, ms.'),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .default(1024)
      .describe('Connections served at once, subscriptions and idle keep-alive ones included; one more is answered 503 too_many_connections (Retry-After) and closed.'),
    store: z.string().default('store').describe('Sibling id of the store actor.'),
    notification: z.string().default('notification').describe('Sibling id of the notification actor.'),
    cluster: z.string().default('cluster').describe('Sibling id of the cluster actor.'),
    resources: z.string().default('resources').describe('Sibling id of the resources actor behind /api/v1/resources (404 resources_not_served when the system runs none).'),
    workflows: z.string().default('workflows').describe('Sibling id of the workflows actor behind /api/v1/executions and /api/v1/playbooks (404 workflows_not_served when the system runs none).'),
  })
  .strict();
