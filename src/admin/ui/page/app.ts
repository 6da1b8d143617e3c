/**
 * The observer page: holds the view-model (tree, banner, feed, store activity), feeds it from
 * /events, /status and /readyz, and paints the views on the next animation frame; the banner
 * is painted at once. /status is fetched again shortly after every event that changes the
 * tree (one fetch in flight at a time) and on a slow poll for the figures no event carries
 * (mailbox depth, reports); a large tree is polled less often.
 */
import {
  addEvent,
  addNotice,
  applyActivityEvent,
  applyReadinessEvent,
  applyReadyz,
  applyTreeEvent,
  emptyActivity,
  emptyFeed,
  emptyTree,
  initialBanner,
  isOpen,
  mergeStatus,
  READINESS_TYPES,
  sectionsOf,
  setPaused,
  summarise,
  visibleRows,
  type FeedFilter,
  type Message,
  type Sections,
  type Summary,
  type WireEvent,
  type WireNode,
} from '../model/index.js';
import * as api from './api.js';
import { BannerView } from './banner-view.js';
import { h, setText } from './dom.js';
import { EventStream } from './event-stream.js';
import { FeedView } from './feed-view.js';
import { PanelView } from './panel-view.js';
import { paintEventStore, paintResources, paintWorkflows } from './subsystems-view.js';
import { TokenView } from './token-view.js';
import { TreeView } from './tree-view.js';

/** Nodes above which the tree counts as large: /status is refetched less eagerly. */
const LARGE_TREE = 2000;
const REFETCH_MS = { small: 100, large: 1000 };
const POLL_MS = { small: 2000, large: 10_000 };
/** The feed and subsystem views repaint at most this often while events pour in. */
const SLOW_PAINT_MS = 250;

type Tab = 'events' | 'eventstore' | 'resources' | 'workflows';

export class App {
  private tree = emptyTree();
  private summaries: Map<string, Summary> = new Map();
  private banner = initialBanner();
  private readonly feed = emptyFeed();
  private filter: FeedFilter = { type: '', path: '' };
  private readonly activity = emptyActivity();
  private sections: Sections = { eventStore: undefined, resources: undefined, workflows: undefined };
  private stamp = 0;
  private selected: string | undefined;
  private readonly expanded = new Set<string>();
  private readonly collapsed = new Set<string>();
  private treeFilter = '';
  private tab: Tab = 'events';

  private shown = { revision: -1, rowsKey: '', feed: -1, activity: -1, report: -1, slowAt: 0, sections: -1 };
  private frame = false;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private statusInFlight = false;
  private statusAgain = false;
  private readyzTimer: ReturnType<typeof setTimeout> | undefined;
  private ticking: ReturnType<typeof setInterval> | undefined;
  private firstRender = true;
  private measuring: string | undefined;

  private readonly treeView = new TreeView({ select: (p) => this.select(p), toggle: (p) => this.toggle(p) });
  private readonly bannerView = new BannerView();
  private readonly feedView = new FeedView({
    pause: (paused) => {
      setPaused(this.feed, paused);
      this.render();
    },
    filter: (filter) => {
      this.filter = filter;
      this.shown.feed = -1;
      this.render();
    },
    select: (path) => this.select(path),
  });
  private readonly panel = new PanelView({
    updateParams: (path, patch) => void this.updateParams(path, patch),
    restart: (path) => void this.act(path, () => api.restart(path), () => this.panelAction(path, 'restart')),
    kill: (path) => void this.act(path, () => api.kill(path), () => this.panelAction(path, 'kill')),
    loadHistory: (path) => void this.loadHistory(path),
  });
  private readonly tokenView = new TokenView();
  private readonly title = h('span', { class: 'system' }, 'Overseer');
  private readonly counts = h('span', { class: 'counts' });
  private readonly tabs = new Map<Tab, { button: HTMLButtonElement; body: HTMLElement }>();
  private readonly stream = new EventStream({
    event: (seq, event) => this.onEvent(seq, event),
    control: (name, data) => this.onControl(name, data),
    open: (resumed) => {
      this.bannerView.connectionState(true);
      if (resumed) addNotice(this.feed, 'reconnected to /events', new Date().toISOString());
      this.refreshStatus();
      this.refreshReadyz();
    },
    closed: (retryMs, why) => this.bannerView.connectionState(false, `${why}; again in ${Math.round(retryMs / 100) / 10} s`),
  });

  constructor(private readonly host: HTMLElement) {}

  start(): void {
    this.layout();
    this.bannerView.paint(this.banner);
    this.stream.start();
    this.refreshStatus();
    this.refreshReadyz();
    setInterval(() => this.poll(), POLL_MS.small);
    window.addEventListener('hashchange', () => this.selectFromHash());
  }

  // ---- layout ------------------------------------------------------------------------

  private layout(): void {
    const filter = h('input', { type: 'search', class: 'tree-filter', placeholder: 'filter paths', 'aria-label': 'filter the tree by path' });
    filter.addEventListener('input', () => {
      this.treeFilter = filter.value;
      this.render();
    });
    const nav = h('nav', { class: 'tabs', role: 'tablist' });
    const bodies = h('div', { class: 'tab-bodies' });
    const tabs: [Tab, string, HTMLElement][] = [
      ['events', 'Events', this.feedView.element],
      ['eventstore', 'Event store', h('div', { class: 'eventstore' })],
      ['resources', 'Resources', h('div', { class: 'resources' })],
      ['workflows', 'Workflows', h('div', { class: 'workflows' })],
    ];
    for (const [tab, label, body] of tabs) {
      const button = h('button', { type: 'button', role: 'tab', 'data-tab': tab, onclick: () => this.showTab(tab) }, label);
      body.dataset.tabBody = tab;
      nav.append(button);
      bodies.append(body);
      this.tabs.set(tab, { button, body });
    }
    this.host.replaceChildren(
      h('header', { class: 'top' }, h('h1', {}, this.title), this.tokenView.element),
      this.bannerView.element,
      h('main', { class: 'main' }, h('section', { class: 'left' }, h('div', { class: 'tools' }, filter, this.counts), this.treeView.element), this.panel.element),
      h('section', { class: 'bottom' }, nav, bodies),
    );
    this.showTab('events');
  }

  private showTab(tab: Tab): void {
    this.tab = tab;
    for (const [t, { button, body }] of this.tabs) {
      button.setAttribute('aria-selected', String(t === tab));
      body.hidden = t !== tab;
    }
    this.shown.activity = -1;
    this.shown.feed = -1;
    this.render();
  }

  // ---- data in -------------------------------------------------------------------------

  private onEvent(seq: number, event: WireEvent): void {
    if (!addEvent(this.feed, seq, event)) return;
    this.stamp++;
    if (this.stamp === 1) setText(this.title, `Overseer · ${event.system} on ${event.node}`);
    const change = applyTreeEvent(this.tree, event, Date.now(), this.stamp);
    if (change.refetch) this.scheduleStatus();
    if (READINESS_TYPES.has(event.type)) {
      this.banner = applyReadinessEvent(this.banner, event, Date.now(), this.stamp);
      this.bannerView.paint(this.banner); // now, not next frame: every phase reaches the DOM
      this.scheduleReadyz();
    }
    applyActivityEvent(this.activity, event);
    this.render();
  }

  private onControl(name: string, data: Record<string, unknown>): void {
    const detail = typeof data.detail === 'string' ? data.detail : JSON.stringify(data);
    addNotice(this.feed, `${name}: ${detail}`, new Date().toISOString());
    this.render();
  }

  private scheduleStatus(): void {
    if (this.statusTimer !== undefined) return;
    const large = this.tree.nodes.size > LARGE_TREE;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.refreshStatus();
    }, large ? REFETCH_MS.large : REFETCH_MS.small);
  }

  private refreshStatus(): void {
    if (this.statusInFlight) {
      this.statusAgain = true;
      return;
    }
    this.statusInFlight = true;
    const issued = this.stamp;
    void api
      .getStatus()
      .then(({ text }) => {
        if (this.firstRender) performance.mark('observer:status-received');
        this.tree = mergeStatus(this.tree, JSON.parse(text) as WireNode, issued);
        if (this.selected === undefined) this.selectFromHash();
        this.render();
      })
      .catch(() => undefined) // the stream's state says the server is away; the next poll tries again
      .finally(() => {
        this.statusInFlight = false;
        if (this.statusAgain) {
          this.statusAgain = false;
          this.scheduleStatus();
        }
      });
  }

  private lastPoll = 0;
  /** The figures no event carries (mailbox depth, reports); a large tree every POLL_MS.large. */
  private poll(): void {
    const now = Date.now();
    if (document.hidden || (this.tree.nodes.size > LARGE_TREE && now - this.lastPoll < POLL_MS.large)) return;
    this.lastPoll = now;
    this.refreshStatus();
    this.refreshReadyz();
  }

  private scheduleReadyz(): void {
    if (this.readyzTimer !== undefined) return;
    this.readyzTimer = setTimeout(() => {
      this.readyzTimer = undefined;
      this.refreshReadyz();
    }, 150);
  }

  private refreshReadyz(): void {
    const issued = this.banner.stamp;
    void api.getReadyz().then(
      (text) => {
        this.banner = applyReadyz(this.banner, text, issued, Date.now());
        this.bannerView.paint(this.banner);
      },
      () => undefined,
    );
  }

  // ---- user actions ----------------------------------------------------------------------

  private select(path: string): void {
    if (!this.tree.nodes.has(path)) return;
    this.selected = path;
    if (location.hash !== `#${path}`) history.replaceState(null, '', `#${path}`);
    this.panel.show(this.tree.nodes.get(path), this.feed);
    void this.loadHistory(path);
    this.render();
  }

  private selectFromHash(): void {
    const path = decodeURIComponent(location.hash.slice(1));
    if (path && path !== this.selected && this.tree.nodes.has(path)) this.select(path);
  }

  private toggle(path: string): void {
    const node = this.tree.nodes.get(path);
    if (!node) return;
    const open = isOpen(this.tree, node, { expanded: this.expanded, collapsed: this.collapsed });
    if (open) {
      this.expanded.delete(path);
      this.collapsed.add(path);
    } else {
      this.collapsed.delete(path);
      this.expanded.add(path);
    }
    performance.mark('observer:toggle-start');
    this.measuring = 'observer:toggle';
    this.render();
  }

  private async loadHistory(path: string): Promise<void> {
    if (this.tree.nodes.get(path)?.type !== 'worker') return this.panel.setHistory({ state: 'loaded', entries: [] });
    this.panel.setHistory({ state: 'loading' });
    const answer = await api.history(path);
    if (this.panel.path !== path) return;
    if (answer.ok) return this.panel.setHistory({ state: 'loaded', entries: answer.value.entries });
    this.panel.setHistory({ state: 'failed', message: answer.message });
    if (answer.message.needsToken) this.tokenView.ask('The params history needs the admin token.', () => void this.loadHistory(path));
  }

  private async updateParams(path: string, patch: Record<string, unknown>): Promise<void> {
    const answer = await api.updateParams(path, patch);
    this.report(path, answer.message, () => void this.updateParams(path, patch));
    if (answer.ok) {
      this.panel.editAccepted();
      void this.loadHistory(path);
      this.scheduleStatus();
    }
  }

  private panelAction(path: string, what: 'restart' | 'kill'): void {
    void this.act(path, () => (what === 'restart' ? api.restart(path) : api.kill(path)), () => this.panelAction(path, what));
  }

  private async act(path: string, call: () => Promise<api.Answer<unknown>>, retry: () => void): Promise<void> {
    const answer = await call();
    this.report(path, answer.message, retry);
    if (answer.ok) this.scheduleStatus();
  }

  private report(path: string, message: Message, retry: () => void): void {
    if (this.panel.path === path) this.panel.setMessage(message);
    if (message.needsToken) this.tokenView.ask(message.text, retry);
  }

  // ---- painting ---------------------------------------------------------------------------

  private render(): void {
    if (this.frame) return;
    this.frame = true;
    requestAnimationFrame(() => {
      this.frame = false;
      this.paint();
    });
  }

  private paint(): void {
    const tree = this.tree;
    const now = Date.now();
    const rowsKey = `${tree.structure}|${this.treeFilter}|${[...this.expanded].join(',')}|${[...this.collapsed].join(',')}`;
    if (tree.revision !== this.shown.revision) this.summaries = summarise(tree);
    if (rowsKey !== this.shown.rowsKey || tree !== this.lastTree) {
      this.treeView.setRows(visibleRows(tree, { expanded: this.expanded, collapsed: this.collapsed, filter: this.treeFilter }), tree, this.summaries);
      this.shown.rowsKey = rowsKey;
      this.lastTree = tree;
    }
    this.treeView.paint(tree, this.summaries, this.selected, now);
    const rootSummary = tree.root === undefined ? undefined : this.summaries.get(tree.root);
    setText(this.counts, rootSummary ? `${rootSummary.actors + 1} actors, ${this.treeView.rowCount} rows shown` : '');
    if (this.selected !== undefined) this.panel.show(tree.nodes.get(this.selected), this.feed, now);
    this.shown.revision = tree.revision;
    this.paintSlow(now);
    this.tick(rootSummary !== undefined && rootSummary.backoff > 0);
    if (tree.root !== undefined && this.firstRender) {
      this.firstRender = false;
      void this.treeView.element.offsetHeight; // layout is part of what the user waits for
      performance.mark('observer:tree-rendered');
      performance.measure('observer:first-render', 'observer:status-received', 'observer:tree-rendered');
    }
    if (this.measuring) {
      void this.treeView.element.offsetHeight;
      performance.measure(this.measuring, `${this.measuring}-start`);
      this.measuring = undefined;
    }
  }

  private lastTree = this.tree;
  private sectionsTree = this.tree;
  private slowTimer: ReturnType<typeof setTimeout> | undefined;

  /** The feed and the subsystem views: at most every SLOW_PAINT_MS. */
  private paintSlow(now: number): void {
    const due =
      this.tree !== this.sectionsTree ||
      this.tree.structure !== this.shown.sections ||
      (this.tab === 'events' ? this.feed.revision !== this.shown.feed : this.activity.revision !== this.shown.activity || this.tree.revision !== this.shown.report);
    if (!due) return;
    const wait = this.shown.slowAt + SLOW_PAINT_MS - now;
    if (wait > 0) {
      this.slowTimer ??= setTimeout(() => {
        this.slowTimer = undefined;
        this.render();
      }, wait);
      return;
    }
    this.shown.slowAt = now;
    if (this.tree !== this.sectionsTree || this.tree.structure !== this.shown.sections) {
      // A new /status is new node objects: the sections must hold this tree's.
      this.sections = sectionsOf(this.tree);
      this.sectionsTree = this.tree;
      this.shown.sections = this.tree.structure;
      this.tabs.get('eventstore')!.button.hidden = !this.sections.eventStore;
      this.tabs.get('resources')!.button.hidden = !this.sections.resources;
      this.tabs.get('workflows')!.button.hidden = !this.sections.workflows;
      if (this.tab !== 'events' && this.tabs.get(this.tab)!.button.hidden) this.showTab('events');
    }
    if (this.tab === 'events' && this.feed.revision !== this.shown.feed) this.feedView.paint(this.feed, this.filter);
    this.shown.feed = this.feed.revision;
    const body = this.tabs.get(this.tab)!.body;
    if (this.tab === 'eventstore') paintEventStore(body, this.sections, this.activity);
    if (this.tab === 'resources') paintResources(body, this.sections, this.activity);
    if (this.tab === 'workflows') paintWorkflows(body, this.sections, this.activity, this.sections.eventStore?.gatewayUrl);
    this.shown.activity = this.activity.revision;
    this.shown.report = this.tree.revision;
  }

  /** While a backoff counts down, the tree repaints ten times a second. */
  private tick(counting: boolean): void {
    if (counting && this.ticking === undefined) this.ticking = setInterval(() => this.render(), 100);
    if (!counting && this.ticking !== undefined) {
      clearInterval(this.ticking);
      this.ticking = undefined;
    }
  }
}
