/**
 * The `gateway` behaviour: the store's public HTTP API. Ready once it listens (the log and
 * its /status node say where); a port it cannot bind is a crash, so the supervisor retries
 * and the system gives up loudly rather than run without its API. It stops gracefully
 * (stopsBySignal): it stops accepting, lets requests in flight finish, ends its
 * subscriptions, then emits `stopped`.
 */
import { fromCallback } from 'xstate';
import { readyBySignal, STOP_EVENT, STOPPED_SIGNAL, stopsBySignal } from '../../actors/logic-traits.js';
import { runtimeOf } from '../../system/context.js';
import { eventStoreClient } from '../client.js';
import { resourcesClient } from '../../resources/client.js';
import { workflowsClient } from '../../workflows/client.js';
import { siblingPath } from '../protocol.js';
import { buildGatewayApp } from './app.js';
import { gatewayParams } from './params.js';

type GatewayEvent = { type: 'listen_failed'; error: Error } | { type: typeof STOP_EVENT };

/** While closing, idle keep-alive connections (an ended subscription's, say) are closed this often. */
const REAP_IDLE_MS = 50;

export const gateway = stopsBySignal(
  readyBySignal(
    fromCallback<GatewayEvent, unknown>(({ self, input, receive, emit }) => {
      const rt = runtimeOf(self);
      const params = gatewayParams.parse(input ?? {});
      const sibling = (id: string) => siblingPath(rt.path, id);
      const client = eventStoreClient(rt.ask, { store: sibling(params.store), notification: sibling(params.notification), cluster: sibling(params.cluster) }, params.requestTimeoutMs);
      const { app, subscriptions } = buildGatewayApp({
        client,
        logger: rt.logger,
        bodyLimit: params.bodyLimit,
        keepAliveMs: params.keepAliveMs,
        subscriptionBuffer: params.subscriptionBuffer,
        resources: resourcesClient(rt.ask, { resources: sibling(params.resources), notification: sibling(params.notification) }, params.requestTimeoutMs),
        workflows: workflowsClient(rt.ask, sibling(params.workflows), params.requestTimeoutMs),
        limits: { headersTimeoutMs: params.headersTimeoutMs, bodyTimeoutMs: params.bodyTimeoutMs, idleTimeoutMs: params.idleTimeoutMs, maxConnections: params.maxConnections },
      });
      let url: string | undefined;
      let closing: Promise<void> | undefined;

      // Once the system stops (its drain included) every answer says `Connection: close`, so
      // clients leave their pooled connections instead of reusing one the close then resets.
      // Requests arriving after the close began get a 503 store_unavailable problem (app.ts) with Connection: close.
      app.addHook('onSend', (_request, reply, payload, done) => {
        if (closing !== undefined || rt.system.stopping) reply.header('connection', 'close');
        done(null, payload);
      });
      app.addHook('preClose', (done) => {
        rt.logger.info({ subscriptions: subscriptions.size }, 'gateway closing: no new connections; finishing requests in flight');
        done();
      });

      app.listen({ host: params.host, port: params.port }).then(
        () => {
          if (closing) return;
          const address = app.server.address();
          const port = typeof address === 'object' && address ? address.port : params.port;
          url = `http://${params.host.includes(':') ? `[${params.host}]` : params.host}:${port}`;
          rt.logger.info({ url }, 'gateway listening');
          emit({ type: 'ready' });
        },
        (error: Error) => self.send({ type: 'listen_failed', error }),
      );
      rt.report(() => ({ url: url ?? null, subscriptions: subscriptions.size }));

      /** Stops accepting, ends the subscriptions, resolves once every connection is closed. Runs once. */
      const close = (): Promise<void> => {
        if (closing) return closing;
        for (const sink of subscriptions) sink.end();
        // Node closes the connections idle now; those busy now go idle later (a subscription
        // just ended) and would hold the close for the whole keep-alive timeout.
        const reaper = setInterval(() => app.server.closeIdleConnections(), REAP_IDLE_MS);
        reaper.unref();
        closing = app.close().then(
          () => clearInterval(reaper),
          (error: unknown) => {
            clearInterval(reaper);
            rt.logger.warn({ err: error }, 'gateway close failed');
          },
        );
        return closing;
      };

      receive((event) => {
        if (event.type === 'listen_failed') throw new Error(`gateway cannot listen on ${params.host}:${params.port}: ${event.error.message}`);
        if (event.type === STOP_EVENT) void close().then(() => emit({ type: STOPPED_SIGNAL }));
      });

      // After `stopped` nothing is left open; a forced stop (or a crash) cuts what still is:
      // the connections die with the incarnation that owns them.
      return () => {
        void close();
        app.server.closeAllConnections();
      };
    }),
  ),
);
