/**
 * The event feed: the last FEED_CAPACITY bus events (the server's recent-events ring replayed
 * at load, then live), filtered by type and path, pausable (what comes while paused waits and
 * is counted), with restarts and readiness changes marked so they stand out. Notices (a gap
 * in the stream, a reconnect) sit in the feed beside the events.
 */
import { field, type WireEvent } from './wire.js';

export const FEED_CAPACITY = 2000;

/** How an entry stands out: restarts, readiness changes, drops, config changes. */
export type Highlight = '' | 'restart' | 'readiness' | 'drop' | 'config' | 'notice';

export interface FeedEntry {
  /** The bus sequence number (`id:` of the SSE frame), or a negative number for a notice. */
  readonly seq: number;
  readonly event: WireEvent;
  readonly highlight: Highlight;
}

export interface Feed {
  /** Oldest first. */
  readonly entries: FeedEntry[];
  /** Envelope ids seen (a resumed stream can replay what the page has). */
  readonly seen: Set<string>;
  paused: boolean;
  /** Entries that arrived while paused (shown on resume). */
  readonly held: FeedEntry[];
  /** Bumps on every change of what the feed shows. */
  revision: number;
  notices: number;
}

export interface FeedFilter {
  /** '' = every type */
  readonly type: string;
  /** Prefix of the actor path an event is about ('' = any). */
  readonly path: string;
}

export function emptyFeed(): Feed {
  return { entries: [], seen: new Set(), paused: false, held: [], revision: 0, notices: 0 };
}

const RESTART = new Set(['child_restarting', 'restart_intensity_exceeded']);
const READINESS = new Set(['system_ready', 'system_degraded', 'subsystem_ready', 'subsystem_failed', 'systems_pending', 'system_stopping', 'system_stopped', 'initialization_started']);
const CONFIG = new Set(['params_updated', 'config_applied', 'config_rejected']);

export function highlightOf(event: WireEvent): Highlight {
  if (RESTART.has(event.type) || (event.type === 'child_exited' && field(event.data, 'reason') === 'error')) return 'restart';
  if (READINESS.has(event.type)) return 'readiness';
  if (event.type === 'messages_dropped') return 'drop';
  if (CONFIG.has(event.type)) return 'config';
  return '';
}

/** Adds an event; false when the page had it already (a replay after a reconnect). */
export function addEvent(feed: Feed, seq: number, event: WireEvent): boolean {
  if (feed.seen.has(event.id)) return false;
  feed.seen.add(event.id);
  push(feed, { seq, event, highlight: highlightOf(event) });
  return true;
}

/** A line of the page's own (gap, reconnect) among the events. */
export function addNotice(feed: Feed, text: string, time: string): void {
  feed.notices++;
  push(feed, { seq: -feed.notices, event: { id: `notice-${feed.notices}`, type: 'notice', category: 'page', system: '', node: '', source: 'page', time, data: { text } }, highlight: 'notice' });
}

function push(feed: Feed, entry: FeedEntry): void {
  if (feed.paused) {
    feed.held.push(entry);
    trim(feed.held, feed);
    feed.revision++;
    return;
  }
  feed.entries.push(entry);
  trim(feed.entries, feed);
  feed.revision++;
}

function trim(list: FeedEntry[], feed: Feed): void {
  if (list.length <= FEED_CAPACITY) return;
  for (const gone of list.splice(0, list.length - FEED_CAPACITY)) feed.seen.delete(gone.event.id);
}

export function setPaused(feed: Feed, paused: boolean): void {
  if (feed.paused === paused) return;
  feed.paused = paused;
  if (!paused) {
    feed.entries.push(...feed.held.splice(0));
    trim(feed.entries, feed);
  }
  feed.revision++;
}

/** The actor path an event is about: `data.path`, `data.system` (subsystem_*), `data.supervisor`, else its source. */
export function subjectOf(event: WireEvent): string {
  for (const key of ['path', 'system', 'supervisor']) {
    const v = field(event.data, key);
    if (typeof v === 'string') return v;
  }
  return event.source;
}

/** Whether an event is about `path` or something below it (or published by it). */
export function concerns(event: WireEvent, path: string): boolean {
  const under = (p: string) => p === path || p.startsWith(`${path}/`);
  return under(subjectOf(event)) || under(event.source);
}

/** The entries the filter lets through, newest first, at most `limit`. */
export function visibleEntries(feed: Feed, filter: FeedFilter, limit = 300): FeedEntry[] {
  const out: FeedEntry[] = [];
  const path = filter.path.trim();
  for (let i = feed.entries.length - 1; i >= 0 && out.length < limit; i--) {
    const entry = feed.entries[i]!;
    const notice = entry.highlight === 'notice';
    if (filter.type !== '' && entry.event.type !== filter.type && !notice) continue;
    if (path !== '' && !notice && !concerns(entry.event, path)) continue;
    out.push(entry);
  }
  return out;
}

/** The types in the feed with their counts, most frequent first: the type filter's choices. */
export function typeCounts(feed: Feed): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of feed.entries) if (e.highlight !== 'notice') counts.set(e.event.type, (counts.get(e.event.type) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** One line of data for the feed: `root/store: error: killed` style, short. */
export function summaryOf(event: WireEvent, max = 160): string {
  if (event.type === 'notice') return String(field(event.data, 'text') ?? '');
  let text: string;
  try {
    text = JSON.stringify(event.data) ?? '';
  } catch {
    text = String(event.data);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
