/** Params of the `gateway` behaviour (checked at config load, parsed with defaults at start). */
import { z } from 'zod';

export const gatewayParams = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port (the log and /status say which). `--gateway-port` overrides it. */
    port: z.number().int().min(0).max(65535).default(2113),
    /** Largest request body accepted, bytes (413 above it). */
    bodyLimit: z.number().int().min(1024).default(1024 * 1024),
    /** How long a request waits for the store before answering 503. */
    requestTimeoutMs: z.number().int().min(1).default(5000),
    /** Comment line sent on idle subscriptions so proxies keep them open. */
    keepAliveMs: z.number().int().min(100).default(15_000),
    /** Events waiting unread per subscription before it pauses and later re-reads from the store. */
    subscriptionBuffer: z.number().int().min(1).max(100_000).default(1000),
    /** Sibling ids of the actors it talks to. */
    store: z.string().default('store'),
    notification: z.string().default('notification'),
    cluster: z.string().default('cluster'),
  })
  .strict();
