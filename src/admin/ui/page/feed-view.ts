/**
 * The live event feed: newest first, filtered by type (a choice of the types seen) and by
 * path (an actor and what is below it), pausable; restarts and readiness changes are marked.
 * Clicking an entry's path selects that actor.
 */
import { subjectOf, summaryOf, timeOfDay, typeCounts, visibleEntries, type Feed, type FeedEntry, type FeedFilter } from '../model/index.js';
import { fill, h, setText } from './dom.js';

export interface FeedCallbacks {
  pause(paused: boolean): void;
  filter(filter: FeedFilter): void;
  select(path: string): void;
}

export class FeedView {
  readonly element: HTMLElement;
  private readonly type = h('select', { 'aria-label': 'event type' });
  private readonly path = h('input', { type: 'search', placeholder: 'path, e.g. root/store', 'aria-label': 'event path' });
  private readonly pause = h('button', { class: 'pause', type: 'button' }, 'Pause');
  private readonly list = h('ol', { class: 'feed-list' });
  private readonly count = h('span', { class: 'feed-count' });
  private typesShown = '';
  private paused = false;

  constructor(private readonly callbacks: FeedCallbacks) {
    const changed = () => callbacks.filter({ type: this.type.value, path: this.path.value });
    this.type.addEventListener('change', changed);
    this.path.addEventListener('input', changed);
    this.pause.addEventListener('click', () => callbacks.pause(!this.paused));
    this.element = h('div', { class: 'feed' }, h('div', { class: 'tools' }, this.type, this.path, this.pause, this.count), this.list);
  }

  paint(feed: Feed, filter: FeedFilter): void {
    this.paused = feed.paused;
    setText(this.pause, feed.paused ? `Resume${feed.held.length > 0 ? ` (${feed.held.length} new)` : ''}` : 'Pause');
    this.pause.classList.toggle('on', feed.paused);
    this.paintTypes(feed, filter.type);
    const entries = visibleEntries(feed, filter);
    setText(this.count, `${entries.length} shown of ${feed.entries.length}`);
    fill(this.list, ...entries.map((e) => this.entry(e)));
  }

  private paintTypes(feed: Feed, selected: string): void {
    const counts = typeCounts(feed);
    const key = `${selected}|${counts.map(([t, n]) => `${t}:${n}`).join(',')}`;
    if (key === this.typesShown) return;
    this.typesShown = key;
    const options = [h('option', { value: '' }, 'all types'), ...counts.map(([t, n]) => h('option', { value: t }, `${t} (${n})`))];
    if (selected !== '' && !counts.some(([t]) => t === selected)) options.push(h('option', { value: selected }, `${selected} (0)`));
    fill(this.type, ...options);
    this.type.value = selected;
  }

  private entry(e: FeedEntry): HTMLLIElement {
    const subject = subjectOf(e.event);
    const notice = e.highlight === 'notice';
    const link = notice ? h('span', { class: 'subject' }) : h('button', { class: 'subject', type: 'button', onclick: () => this.callbacks.select(subject) }, subject);
    return h(
      'li',
      { class: `ev ${e.highlight ? `hl-${e.highlight}` : ''}`, 'data-type': e.event.type },
      h('time', {}, timeOfDay(e.event.time)),
      h('span', { class: 'type' }, notice ? 'notice' : e.event.type),
      link,
      h('span', { class: 'data' }, summaryOf(e.event)),
    );
  }
}
