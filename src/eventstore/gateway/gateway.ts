/**
 * The `gateway` behaviour: the store's public HTTP API. Ready once it listens (the log and
 * its /status node say where); a port it cannot bind is a crash, so the supervisor retries
 * and the system gives up loudly rather than run without its API. Stopping ends the open
 * subscriptions and lets requests in flight finish.
 */
import { fromCallback } from 'xstate';
import { readyBySignal } from '../../actors/logic-traits.js';
import { runtimeOf } from '../../system/context.js';
import { eventStoreClient } from '../client.js';
import { siblingPath } from '../protocol.js';
import { buildGatewayApp } from './app.js';
import { gatewayParams } from './params.js';

type GatewayEvent = { type: 'listen_failed'; error: Error };

export const gateway = readyBySignal(
  fromCallback<GatewayEvent, unknown>(({ self, input, receive, emit }) => {
    const rt = runtimeOf(self);
    const params = gatewayParams.parse(input ?? {});
    const sibling = (id: string) => siblingPath(rt.path, id);
    const client = eventStoreClient(rt.ask, { store: sibling(params.store), notification: sibling(params.notification), cluster: sibling(params.cluster) }, params.requestTimeoutMs);
    const { app, subscriptions } = buildGatewayApp({ client, logger: rt.logger, bodyLimit: params.bodyLimit, keepAliveMs: params.keepAliveMs, subscriptionBuffer: params.subscriptionBuffer });
    let url: string | undefined;
    let stopped = false;

    app.listen({ host: params.host, port: params.port }).then(
      () => {
        if (stopped) return;
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : params.port;
        url = `http://${params.host.includes(':') ? `[${params.host}]` : params.host}:${port}`;
        rt.logger.info({ url }, 'gateway listening');
        emit({ type: 'ready' });
      },
      (error: Error) => self.send({ type: 'listen_failed', error }),
    );
    rt.report(() => ({ url: url ?? null, subscriptions: subscriptions.size }));

    receive((event) => {
      if (event.type === 'listen_failed') throw new Error(`gateway cannot listen on ${params.host}:${params.port}: ${event.error.message}`);
    });

    return () => {
      stopped = true;
      for (const sink of subscriptions) sink.end();
      void app.close();
    };
  }),
);
