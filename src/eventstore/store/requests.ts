/**
 * The store's public requests (what `system.ask('root/store', …)` and the gateway send),
 * validated here once: a malformed request becomes InvalidStoreRequestError naming the
 * field and the value, whoever sent it.
 */
import { z } from 'zod';
import { formatPath } from '../../spec/problems.js';
import { InvalidStoreRequestError } from '../errors.js';
import { appendBoundsProblem, checkEventCount, EVENT_LIMITS, listProblems } from '../json-bounds.js';
import { streamNameProblem, type ExpectedVersion, type NewEvent } from '../model.js';

export const READ_LIMIT = Object.freeze({ default: 100, max: 4096 });

const newEvent = z
  .object({
    id: z.string().min(1).max(200).optional(),
    type: z.string().min(1).max(200),
    data: z.unknown().refine((v) => v !== undefined, 'required'),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const expectedVersion = z.union([z.enum(['any', 'no_stream', 'stream_exists']), z.number().int().min(-1)]);
const limit = z.number().int().min(1).max(READ_LIMIT.max).default(READ_LIMIT.default);

export const requestSchemas = {
  append: z.object({ stream: z.string(), expectedVersion: expectedVersion.default('any'), events: z.array(newEvent).min(1).max(EVENT_LIMITS.eventsPerAppend) }),
  read: z.object({ stream: z.string(), from: z.number().int().min(0).optional(), limit, direction: z.enum(['forward', 'backward']).default('forward') }),
  read_all: z.object({ from: z.number().int().min(1).default(1), limit }),
  list_streams: z.object({ after: z.string().default(''), limit: z.number().int().min(1).max(10_000).default(1000) }),
};

export type StoreRequestType = keyof typeof requestSchemas;
export type AppendRequest = { stream: string; expectedVersion: ExpectedVersion; events: NewEvent[] };

const EVENT_KEYS = new Set(['id', 'type', 'data', 'metadata']);
const EXPECTED_WORDS = new Set(['any', 'no_stream', 'stream_exists']);
const isText = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 200;
const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The shape of a well-formed append, checked by hand: strictly narrower than the zod schema
 * (a test holds them together), it lets the hot path skip zod, a tenth of an append's cost.
 * Anything it does not accept goes through zod, which names the problem.
 */
export function isWellFormedAppend(m: { stream?: unknown; expectedVersion?: unknown; events?: unknown }): boolean {
  const { expectedVersion: ev, events } = m;
  if (typeof m.stream !== 'string' || !Array.isArray(events) || events.length === 0 || events.length > EVENT_LIMITS.eventsPerAppend) return false;
  if (ev !== undefined && !(typeof ev === 'string' ? EXPECTED_WORDS.has(ev) : Number.isInteger(ev) && (ev as number) >= -1)) return false;
  for (const e of events as unknown[]) {
    if (!isRecord(e)) return false;
    const { id, type, data, metadata } = e as Record<string, unknown>;
    if (!isText(type) || data === undefined || (id !== undefined && !isText(id)) || (metadata !== undefined && !isRecord(metadata))) return false;
    for (const k in e as object) if (!EVENT_KEYS.has(k)) return false;
  }
  return true;
}

/**
 * Parses a request of `type`; throws InvalidStoreRequestError naming the problems found (the
 * first few and their count). An append is also held to the JSON bounds (json-bounds.ts), so
 * whatever is accepted can be stored and read back by every reader.
 */
export function parseRequest<T extends StoreRequestType>(type: T, message: unknown): z.infer<(typeof requestSchemas)[T]> {
  if (type === 'append') {
    checkEventCount((message as { events?: unknown } | null)?.events); // before any per-event work
    if (typeof message === 'object' && message !== null && isWellFormedAppend(message)) {
      const m = message as AppendRequest;
      return checkedAppend({ stream: m.stream, expectedVersion: m.expectedVersion ?? 'any', events: m.events }) as z.infer<(typeof requestSchemas)[T]>;
    }
  }
  const parsed = requestSchemas[type].safeParse(message);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path.filter((p) => typeof p !== 'symbol')) || '(request)'}: ${i.message}`);
    throw new InvalidStoreRequestError(listProblems(problems));
  }
  if (type === 'append') return checkedAppend(parsed.data as AppendRequest) as z.infer<(typeof requestSchemas)[T]>;
  const value = parsed.data as { stream?: string };
  if (value.stream !== undefined) checkStreamName(value.stream);
  return parsed.data as z.infer<(typeof requestSchemas)[T]>;
}

function checkedAppend(request: AppendRequest): AppendRequest {
  checkStreamName(request.stream);
  checkDistinctIds(request.events);
  const problem = appendBoundsProblem(request.events);
  if (problem) throw problem;
  return request;
}

export function checkStreamName(stream: string): void {
  const problem = streamNameProblem(stream);
  if (problem) throw new InvalidStoreRequestError(problem.message, problem.reserved ? 'reserved_stream_name' : 'invalid_stream_name');
}

function checkDistinctIds(events: readonly { id?: string }[]): void {
  const seen = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.id === undefined) return;
    const first = seen.get(e.id);
    if (first !== undefined) throw new InvalidStoreRequestError(`events[${i}].id: "${e.id}" repeats events[${first}].id; ids in one append must differ`);
    seen.set(e.id, i);
  });
}
