/**
 * The readiness banner: the phase as colour and headline, the missing systems with their
 * reasons, and the last changes of phase with their times (a degraded moment that lasted
 * 100 ms stays readable). Painted at once on every readiness event, not on the next frame,
 * so every phase reaches the DOM.
 */
import { headline, missingWithReasons, type Banner } from '../model/index.js';
import { fill, h, setText } from './dom.js';

/** Phase changes the banner lists (the model keeps a few more). */
const LOG_SHOWN = 4;

export class BannerView {
  readonly element: HTMLElement;
  private readonly title = h('strong', { class: 'banner-title' });
  private readonly missing = h('ul', { class: 'banner-missing' });
  private readonly log = h('ol', { class: 'banner-log', 'aria-label': 'readiness changes' });
  private readonly connection = h('span', { class: 'conn' });

  constructor() {
    this.element = h('section', { class: 'banner', role: 'status', 'aria-live': 'polite', 'data-phase': 'connecting' }, h('div', { class: 'banner-main' }, this.title, this.connection), this.missing, this.log);
  }

  paint(banner: Banner): void {
    this.element.dataset.phase = banner.phase;
    setText(this.title, headline(banner));
    fill(this.missing, ...missingWithReasons(banner).map((m) => h('li', { 'data-path': m.path }, h('code', {}, m.path), ` ${m.reason}`)));
    fill(
      this.log,
      ...banner.log
        .slice(-LOG_SHOWN)
        .reverse()
        .map((t) => h('li', { 'data-phase': t.phase }, `${clock(t.atMs)} ${t.phase}${t.missing.length > 0 ? ` (${t.missing.join(', ')})` : ''}`)),
    );
  }

  /** The event stream's state: live, or reconnecting (and why). */
  connectionState(live: boolean, detail = ''): void {
    this.connection.dataset.live = String(live);
    setText(this.connection, live ? 'live' : `reconnecting${detail ? `: ${detail}` : ''}`);
  }
}

function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
