/**
 * Reading stored events safely: whatever a row holds (written before the JSON bounds, or
 * damaged on disk), a read serves it and goes on. A row it cannot serve as JSON within the
 * bounds is answered in place without its data, with a problem saying why, so versions and
 * positions stay gapless and no page, `$all` read or subscription fails on it.
 */
import { EVENT_LIMITS, textNestsDeeper } from '../json-bounds.js';
import type { StoredEvent } from '../model.js';

export const UNREADABLE_EVENT = 'unreadable_event';

/** The envelope of an event as the journal holds it, before its JSON columns are read. */
type Envelope = Omit<StoredEvent, 'data' | 'metadata' | 'problem'>;

/** The event without its data, saying why. */
export function unreadableEvent(envelope: Envelope, detail: string): StoredEvent {
  const { id, stream, version, position, type, time } = envelope;
  return { id, stream, version, position, type, data: null, metadata: {}, time, problem: { type: `urn:overseer:problem:${UNREADABLE_EVENT}`, title: 'unreadable event', detail } };
}

/**
 * A stored event from its JSON columns. Nesting is told from the text before parsing (deep
 * text is slow to parse, and what parses deeper than the bound cannot be serialized again).
 * @example
 * storedEvent(row, row.data, row.metadata); // the event, or the event without its data
 */
export function storedEvent(envelope: Envelope, dataText: string, metadataText: string): StoredEvent {
  for (const [name, text] of [['data', dataText], ['metadata', metadataText]] as const) {
    if (textNestsDeeper(text, EVENT_LIMITS.depth)) return unreadableEvent(envelope, `stored ${name} nests deeper than ${EVENT_LIMITS.depth} levels (written before the bound)`);
  }
  let data: unknown;
  let metadata: unknown;
  try {
    data = JSON.parse(dataText);
    metadata = JSON.parse(metadataText);
  } catch (error) {
    return unreadableEvent(envelope, `stored JSON does not parse: ${(error as Error).message.slice(0, 200)}`);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return unreadableEvent(envelope, 'stored metadata is not a JSON object');
  const { id, stream, version, position, type, time } = envelope;
  return { id, stream, version, position, type, data, metadata: metadata as Record<string, unknown>, time };
}

/** `event` if it serializes, else the event without its data (an in-memory event changed after it was stored). */
export function servableEvent(event: StoredEvent): StoredEvent {
  try {
    JSON.stringify(event);
    return event;
  } catch (error) {
    return unreadableEvent(event, `the stored event cannot be written as JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}
