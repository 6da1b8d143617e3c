/**
 * The `resources` behaviour (DESIGN §12): keeps the current resources of its kinds in memory,
 * folded from the event store's `$all` (rebuilt from the journal at every start), and serves
 * reads and writes over asks. Ready once it has caught up with the journal as it was at its
 * start; requests that arrive before then wait. If the subscription breaks (notification
 * restarts), readiness goes and it resumes from its last position.
 */
import { randomUUID } from 'node:crypto';
import { fromCallback } from 'xstate';
import { readyBySignal } from '../actors/logic-traits.js';
import { eventStoreClient } from '../eventstore/client.js';
import type { EventSink } from '../eventstore/notification/sink.js';
import { refuseUnknown, respond, siblingPath } from '../eventstore/protocol.js';
import { runtimeOf } from '../system/context.js';
import { clockOf } from './actor-clock.js';
import { KindTable } from './kinds.js';
import { resourcesParams } from './params.js';
import { ResourceProjection } from './projection.js';
import { REQUEST_TYPES, type ResourcesRequest } from './requests.js';
import { ResourceService } from './service.js';

/** Events the projection's subscription may hold unread: catch-up reads pages into it. */
const FOLLOW_BUFFER = 10_000;
const RETRY_MS = { first: 100, max: 5000 };

export const resourcesBehaviour = readyBySignal(
  fromCallback<ResourcesRequest, unknown>(({ self, input, receive, emit }) => {
    const rt = runtimeOf(self);
    const params = resourcesParams.parse(input ?? {});
    const clock = clockOf(self);
    const sibling = (id: string) => siblingPath(rt.path, id);
    const store = eventStoreClient(rt.ask, { store: sibling(params.store), notification: sibling(params.notification), cluster: sibling('cluster') }, params.timeoutMs);
    const kinds = new KindTable(params.kinds);
    const projection = new ResourceProjection();
    const service = new ResourceService({
      kinds,
      projection,
      append: (stream, events, expectedVersion) => store.append(stream, events, { expectedVersion }),
      now: () => new Date(clock.now()).toISOString(),
      uid: randomUUID,
    });
    let stopped = false;
    let ready = false;
    let sink: EventSink | undefined;
    let retryTimer: unknown;
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

    const setReady = (value: boolean) => {
      if (value === ready) return;
      ready = value;
      emit({ type: value ? 'ready' : 'not_ready' });
      if (value) markCaughtUp();
    };

    /** Follows `$all` from the projection's cursor; ready once it reaches the head it saw when it (re)started. */
    const follow = async (attempt: number): Promise<void> => {
      try {
        const { head } = await store.readAll({ from: 1, limit: 1 });
        if (stopped) return;
        sink = await store.subscribe({ afterPosition: projection.cursor, capacity: FOLLOW_BUFFER });
        if (stopped) return void sink.close();
        attempt = 0;
        if (projection.cursor >= head) setReady(true);
        for await (const event of sink) {
          projection.apply(event);
          if (!ready && projection.cursor >= head) setReady(true);
        }
      } catch (error) {
        if (stopped) return;
        setReady(false);
        const delay = Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** attempt);
        rt.logger.warn({ err: error, cursor: projection.cursor, retryInMs: delay }, 'resources: cannot follow the journal; retrying');
        retryTimer = clock.setTimeout(() => void follow(attempt + 1), delay);
      }
    };
    void follow(0);

    rt.report(() => ({ position: projection.cursor, ready, kinds: Object.fromEntries(kinds.all.map((k) => [k.kind, projection.count(k.kind)])) }));

    receive((message) => {
      if (!REQUEST_TYPES.includes(message.type)) return refuseUnknown(rt.logger, 'resources', message, REQUEST_TYPES);
      // Nothing is served from a projection that has not caught up with the journal yet.
      respond(message.replyTo, () => (ready ? service.handle(message) : caughtUp.then(() => service.handle(message))));
    });

    return () => {
      stopped = true;
      if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
      sink?.close();
    };
  }),
);
