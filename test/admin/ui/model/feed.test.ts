/** The event feed: filter by type and path, pause and resume, highlights, replays not doubled. */
import { describe, expect, it } from 'vitest';
import { addEvent, addNotice, concerns, emptyFeed, FEED_CAPACITY, highlightOf, setPaused, summaryOf, typeCounts, visibleEntries } from '../../../../src/admin/ui/model/index.js';
import { event } from './fixtures.js';

const all = { type: '', path: '' };

describe('event feed', () => {
  it('marks restarts, readiness changes, drops and config changes', () => {
    expect(highlightOf(event('child_restarting', { path: 'root/a', attempt: 1, delayMs: 0 }))).toBe('restart');
    expect(highlightOf(event('child_exited', { path: 'root/a', reason: 'error' }))).toBe('restart');
    expect(highlightOf(event('child_exited', { path: 'root/a', reason: 'shutdown' }))).toBe('');
    expect(highlightOf(event('system_degraded', { missingSystems: [] }))).toBe('readiness');
    expect(highlightOf(event('messages_dropped', { path: 'root/a', count: 1 }))).toBe('drop');
    expect(highlightOf(event('params_updated', { path: 'root/a' }))).toBe('config');
  });

  it('filters by type and by path prefix (the actor and what is below it), newest first; notices always show', () => {
    const feed = emptyFeed();
    addEvent(feed, 1, event('child_started', { path: 'root/store', instance: 'a' }));
    addEvent(feed, 2, event('child_started', { path: 'root/storex', instance: 'b' }));
    addEvent(feed, 3, event('subsystem_ready', { system: 'root/pool/w1' }));
    addNotice(feed, 'reconnected', '2026-01-02T03:04:05.000Z');
    expect(visibleEntries(feed, { type: 'child_started', path: '' }).map((e) => e.seq)).toEqual([-1, 2, 1]);
    expect(visibleEntries(feed, { type: '', path: 'root/store' }).map((e) => e.seq)).toEqual([-1, 1]);
    expect(visibleEntries(feed, { type: '', path: 'root/pool' }).map((e) => e.seq)).toEqual([-1, 3]);
    expect(typeCounts(feed)).toEqual([
      ['child_started', 2],
      ['subsystem_ready', 1],
    ]);
  });

  it('while paused new events wait and are counted; resuming shows them in order', () => {
    const feed = emptyFeed();
    addEvent(feed, 1, event('a', {}));
    setPaused(feed, true);
    addEvent(feed, 2, event('b', {}));
    addEvent(feed, 3, event('c', {}));
    expect(visibleEntries(feed, all).map((e) => e.seq)).toEqual([1]);
    expect(feed.held).toHaveLength(2);
    setPaused(feed, false);
    expect(visibleEntries(feed, all).map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(feed.held).toHaveLength(0);
  });

  it('an event the page has (a replay after reconnecting) is not added twice; the feed is bounded', () => {
    const feed = emptyFeed();
    const e = event('x', {});
    expect(addEvent(feed, 1, e)).toBe(true);
    expect(addEvent(feed, 1, e)).toBe(false);
    for (let i = 0; i < FEED_CAPACITY + 10; i++) addEvent(feed, i + 2, event('y', {}));
    expect(feed.entries).toHaveLength(FEED_CAPACITY);
    expect(feed.seen.size).toBe(FEED_CAPACITY);
  });

  it('an event concerns its subject path and its source', () => {
    expect(concerns(event('child_exited', { path: 'root/a/b' }, 'root/a'), 'root/a/b')).toBe(true);
    expect(concerns(event('leader_elected', { leader: 'n1' }, 'root/cluster'), 'root/cluster')).toBe(true);
    expect(concerns(event('leader_elected', { leader: 'n1' }, 'root/cluster'), 'root/clus')).toBe(false);
    expect(summaryOf(event('x', { text: 'a'.repeat(500) }), 20)).toHaveLength(20);
  });
});
