/**
 * Scatter-gather over the bus: subscribe to responses first, then publish the request;
 * correlate by request id, keep one response per expected responder, resolve at
 * `minResponses`, and always remove the temporary subscription. Responders answer with
 * bus.respond(), from a handler that never blocks, so a responder may itself call request().
 */
import { newId } from '../shared/ids.js';
import { RequestAbortedError, RequestInvalidError, RequestTimeoutError, type PartialGather } from '../shared/errors.js';
import type { EventEnvelope } from './catalogue.js';
import type { EventBus } from './bus.js';

export interface GatherOptions {
  expectedResponders: readonly string[];
  /** Default: every expected responder. */
  minResponses?: number;
  /** Default 10000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface GatherResult<R> {
  responses: { responder: string; data: R }[];
  /** One entry per expected responder that did not answer. */
  errors: { responder: string; error: string }[];
}

interface ResponseData {
  requestId: string;
  responder: string;
  data: unknown;
}

export function scatterGather<R>(bus: EventBus, request: { type: string; data?: unknown; source?: string }, options: GatherOptions): Promise<GatherResult<R>> {
  const expected = new Set(options.expectedResponders);
  const min = options.minResponses ?? expected.size;
  if (expected.size === 0) return Promise.reject(new RequestInvalidError('request needs at least one expected responder'));
  if (!Number.isInteger(min) || min < 1 || min > expected.size) {
    return Promise.reject(new RequestInvalidError(`minResponses must be 1..${expected.size}, got ${String(options.minResponses)}`));
  }
  if (options.signal?.aborted) return Promise.reject(new RequestAbortedError(request.type, { responses: [], errors: missing(expected, new Map()) }, options.signal.reason));

  const requestId = newId();
  const got = new Map<string, unknown>();
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<GatherResult<R>>((resolve, reject) => {
    let timer: unknown;
    const partial = (): PartialGather => ({ responses: [...got].map(([responder, data]) => ({ responder, data })), errors: missing(expected, got) });
    const finish = (error?: Error) => {
      sub.unsubscribe();
      bus.clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(partial() as GatherResult<R>);
    };
    const onAbort = () => finish(new RequestAbortedError(request.type, partial(), options.signal?.reason));
    const sub = bus.subscribe(`request:${request.type}:${requestId}`, {
      types: [`${request.type}.response`],
      // Concurrent requests of one type share the response type: buffer only our own.
      where: (event) => (event.data as ResponseData).requestId === requestId,
      buffer: Math.max(16, expected.size * 2),
      mode: 'critical',
      lateJoin: true,
      handler: (event: EventEnvelope) => {
        const r = event.data as ResponseData;
        if (!expected.has(r.responder) || got.has(r.responder)) return;
        got.set(r.responder, r.data);
        if (got.size >= min) finish();
      },
    });
    timer = bus.clock.setTimeout(() => finish(new RequestTimeoutError(request.type, timeoutMs, partial())), timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    bus.publish({ type: request.type, source: request.source ?? 'root', data: { requestId, payload: request.data ?? null } });
  });
}

function missing(expected: ReadonlySet<string>, got: ReadonlyMap<string, unknown>): { responder: string; error: string }[] {
  return [...expected].filter((r) => !got.has(r)).map((responder) => ({ responder, error: 'no response' }));
}
