/**
 * The tree on screen, virtualised: only the rows in the viewport (plus a margin) exist as
 * elements, reused as the list scrolls, so 10k visible rows cost what 50 do. Each row shows
 * a node's status colour, readiness, restarts, mailbox, last exit and backoff countdown; a
 * collapsed supervisor shows the summary of its subtree instead of its children.
 */
import { cellsOf, summaryText, type NodeView, type Row, type Summary, type Tree } from '../model/index.js';
import { h, setClass, setText } from './dom.js';

/** Row height in px (observer.css `.row` has the same). */
export const ROW_HEIGHT = 26;
const OVERSCAN = 10;

export interface TreeCallbacks {
  select(path: string): void;
  toggle(path: string): void;
}

interface RowElements {
  root: HTMLDivElement;
  toggle: HTMLButtonElement;
  name: HTMLSpanElement;
  id: HTMLSpanElement;
  summary: HTMLSpanElement;
  cells: HTMLSpanElement[];
}

const COLUMNS = ['behaviour', 'status', 'ready', 'restarts', 'mailbox', 'last exit', 'backoff'] as const;

export class TreeView {
  readonly element: HTMLElement;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly pool: RowElements[] = [];
  private rows: readonly Row[] = [];
  private tree: Tree | undefined;
  private summaries: ReadonlyMap<string, Summary> = new Map();
  private selected: string | undefined;
  private scheduled = false;

  constructor(private readonly callbacks: TreeCallbacks) {
    this.spacer = h('div', { class: 'tree-spacer' });
    this.viewport = h('div', { class: 'tree-viewport', tabindex: 0, role: 'tree', 'aria-label': 'supervision tree' }, this.spacer);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.viewport.addEventListener('keydown', (e) => this.key(e));
    const head = h('div', { class: 'row row-head' }, h('span', { class: 'c-name' }, 'actor'), ...COLUMNS.map((c) => h('span', { class: `c-${c.replace(' ', '-')}` }, c)));
    this.element = h('div', { class: 'tree' }, head, this.viewport);
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** New rows (structure, expansion or filter changed) and what to paint them with. */
  setRows(rows: readonly Row[], tree: Tree, summaries: ReadonlyMap<string, Summary>): void {
    this.rows = rows;
    this.tree = tree;
    this.summaries = summaries;
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
  }

  /** Repaints the rows in view with the tree as it is now. */
  paint(tree: Tree, summaries: ReadonlyMap<string, Summary>, selected: string | undefined, nowMs = Date.now()): void {
    this.tree = tree;
    this.summaries = summaries;
    this.selected = selected;
    const height = this.viewport.clientHeight || ROW_HEIGHT * 30;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const count = Math.max(0, last - first);
    while (this.pool.length < count) this.pool.push(this.makeRow());
    for (let i = 0; i < this.pool.length; i++) {
      const el = this.pool[i]!;
      const row = i < count ? this.rows[first + i] : undefined;
      const node = row ? tree.nodes.get(row.path) : undefined;
      if (!row || !node) {
        if (el.root.parentNode) el.root.remove();
        continue;
      }
      if (!el.root.parentNode) this.spacer.append(el.root);
      this.paintRow(el, row, node, first + i, nowMs);
    }
  }

  /** Scrolls a path's row into view (if it is visible at all). */
  reveal(path: string): void {
    const index = this.rows.findIndex((r) => r.path === path);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const vp = this.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight;
  }

  get rowCount(): number {
    return this.rows.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      if (this.tree) this.paint(this.tree, this.summaries, this.selected);
    });
  }

  private makeRow(): RowElements {
    const toggle = h('button', { class: 'tgl', tabindex: -1, 'aria-label': 'expand or collapse' });
    const id = h('span', { class: 'id' });
    const summary = h('span', { class: 'summary' });
    const name = h('span', { class: 'c-name' }, toggle, h('span', { class: 'dot' }), id, summary);
    const cells = COLUMNS.map((c) => h('span', { class: `c-${c.replace(' ', '-')}` }));
    const root = h('div', { class: 'row', role: 'treeitem' }, name, ...cells);
    toggle.addEventListener('click', (e) => {
      e.stopPropagation();
      const path = root.dataset.path;
      if (path) this.callbacks.toggle(path);
    });
    root.addEventListener('click', () => {
      const path = root.dataset.path;
      if (path) this.callbacks.select(path);
    });
    return { root, toggle, name, id, summary, cells };
  }

  private paintRow(el: RowElements, row: Row, node: NodeView, index: number, nowMs: number): void {
    if (el.root.dataset.path !== row.path) el.root.dataset.path = row.path;
    el.root.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    const cells = cellsOf(node, nowMs);
    setClass(el.root, `row ${cells.statusClass}${row.path === this.selected ? ' selected' : ''}${row.match ? ' match' : ''}`);
    el.root.setAttribute('aria-selected', String(row.path === this.selected));
    if (row.expandable) el.root.setAttribute('aria-expanded', String(row.open));
    else el.root.removeAttribute('aria-expanded');
    el.name.style.paddingLeft = `${row.depth * 16}px`;
    setText(el.toggle, row.expandable ? (row.open ? '▾' : '▸') : '');
    el.toggle.disabled = !row.expandable;
    setText(el.id, node.id);
    el.id.title = node.path;
    setText(el.summary, node.type === 'supervisor' && !row.open ? summaryText(this.summaries.get(node.path), node.childCount) : '');
    const [behaviour, status, ready, restarts, mailbox, exit, backoff] = el.cells as [HTMLSpanElement, HTMLSpanElement, HTMLSpanElement, HTMLSpanElement, HTMLSpanElement, HTMLSpanElement, HTMLSpanElement];
    setText(behaviour, node.type === 'supervisor' ? (node.strategy ?? 'supervisor') : (node.behaviour ?? ''));
    setText(status, cells.status);
    setText(ready, cells.ready);
    setClass(ready, `c-ready ${node.ready ? 'yes' : 'no'}`);
    setText(restarts, cells.restarts);
    setClass(restarts, `c-restarts${node.restarts > 0 ? ' warn' : ''}`);
    setText(mailbox, cells.mailbox);
    setClass(mailbox, `c-mailbox ${cells.mailboxClass}`);
    setText(exit, cells.lastExit);
    exit.title = cells.lastExit;
    setClass(exit, `c-last-exit ${cells.lastExitClass}`);
    setText(backoff, cells.backoff);
  }

  private key(e: KeyboardEvent): void {
    const index = this.rows.findIndex((r) => r.path === this.selected);
    const row = this.rows[index];
    const move = (to: number) => {
      const target = this.rows[Math.max(0, Math.min(this.rows.length - 1, to))];
      if (target) {
        this.callbacks.select(target.path);
        this.reveal(target.path);
      }
    };
    switch (e.key) {
      case 'ArrowDown':
        move(index + 1);
        break;
      case 'ArrowUp':
        move(index - 1);
        break;
      case 'ArrowRight':
        if (row?.expandable && !row.open) this.callbacks.toggle(row.path);
        else move(index + 1);
        break;
      case 'ArrowLeft':
        if (row?.expandable && row.open) this.callbacks.toggle(row.path);
        else if (row) {
          const parent = this.tree?.nodes.get(row.path)?.parent;
          if (parent) move(this.rows.findIndex((r) => r.path === parent));
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}
