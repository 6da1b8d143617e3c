/**
 * The actor panel: what the tree knows about the selected actor, its params (editable: the
 * page sends the merge patch of the edit), its params history, its report and its recent
 * events; restart and kill. The server's answers, problems included, show as messages.
 */
import {
  cellsOf,
  concerns,
  editParams,
  paramsText,
  reportLines,
  summaryOf,
  timeOfDay,
  type Feed,
  type Message,
  type NodeView,
  type WireHistoryEntry,
} from '../model/index.js';
import { fill, h, setText, table } from './dom.js';

export interface PanelCallbacks {
  updateParams(path: string, patch: Record<string, unknown>): void;
  restart(path: string): void;
  kill(path: string): void;
  loadHistory(path: string): void;
}

export type HistoryState = { state: 'loading' } | { state: 'loaded'; entries: readonly WireHistoryEntry[] } | { state: 'failed'; message: Message };

const RECENT_EVENTS = 30;

export class PanelView {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'panel-title' });
  private readonly facts = h('div', { class: 'facts' });
  private readonly message = h('div', { class: 'message', role: 'alert' });
  private readonly restartButton = h('button', { type: 'button', class: 'act' }, 'Restart');
  private readonly killButton = h('button', { type: 'button', class: 'act danger' }, 'Kill');
  private readonly editor = h('textarea', { class: 'params', spellcheck: 'false', rows: 8, 'aria-label': 'params (JSON)' });
  private readonly applyButton = h('button', { type: 'button', class: 'act' }, 'Apply params');
  private readonly resetButton = h('button', { type: 'button' }, 'Reset');
  private readonly paramsNote = h('p', { class: 'note' });
  private readonly paramsBox = h('div', { class: 'params-box' });
  private readonly history = h('div', { class: 'history' });
  private readonly report = h('div', { class: 'report' });
  private readonly recent = h('ol', { class: 'recent' });
  private node: NodeView | undefined;
  /** The params the editor was filled from (the patch is computed against them). */
  private shownParams: Readonly<Record<string, unknown>> | undefined;
  private shownPath: string | undefined;
  private killArmed = false;

  constructor(private readonly callbacks: PanelCallbacks) {
    this.restartButton.addEventListener('click', () => this.node && callbacks.restart(this.node.path));
    this.killButton.addEventListener('click', () => this.kill());
    this.applyButton.addEventListener('click', () => this.apply());
    this.resetButton.addEventListener('click', () => this.fillEditor(this.node?.params));
    const reload = h('button', { type: 'button', onclick: () => this.node && callbacks.loadHistory(this.node.path) }, 'Reload');
    fill(this.paramsBox, this.editor, h('div', { class: 'row-actions' }, this.applyButton, this.resetButton), this.paramsNote);
    this.element = h(
      'aside',
      { class: 'panel', 'aria-label': 'actor panel' },
      this.title,
      this.facts,
      h('div', { class: 'row-actions' }, this.restartButton, this.killButton),
      this.message,
      h('h3', {}, 'Params'),
      this.paramsBox,
      h('h3', {}, 'Params history ', reload),
      this.history,
      h('h3', {}, 'Report'),
      this.report,
      h('h3', {}, 'Recent events'),
      this.recent,
    );
    this.show(undefined, undefined);
  }

  get path(): string | undefined {
    return this.shownPath;
  }

  /** Shows `node` (or the empty panel); keeps an edit in progress while the same actor stays shown. */
  show(node: NodeView | undefined, feed: Feed | undefined, nowMs = Date.now()): void {
    const changedActor = node?.path !== this.shownPath;
    this.node = node;
    this.element.classList.toggle('empty', !node);
    if (!node) {
      this.shownPath = undefined;
      setText(this.title, 'Select an actor');
      fill(this.facts, h('p', { class: 'note' }, 'Click a row of the tree to see its params, history, report and events.'));
      fill(this.report);
      fill(this.recent);
      return;
    }
    this.shownPath = node.path;
    this.element.dataset.path = node.path;
    if (changedActor) {
      this.killArmed = false;
      setText(this.killButton, 'Kill');
      fill(this.message);
      fill(this.history);
      this.fillEditor(node.params);
    } else if (this.editor.value === paramsText(this.shownParams) && JSON.stringify(node.params ?? {}) !== JSON.stringify(this.shownParams ?? {})) {
      this.fillEditor(node.params); // not being edited: follow the server
    } else if (JSON.stringify(node.params ?? {}) !== JSON.stringify(this.shownParams ?? {})) {
      setText(this.paramsNote, 'The params changed on the server since this edit began; Reset shows them.');
    }
    const cells = cellsOf(node, nowMs);
    setText(this.title, node.path);
    fill(
      this.facts,
      table([
        ['type', node.type === 'supervisor' ? `supervisor (${node.strategy ?? ''})` : `worker (${node.behaviour ?? ''})`],
        ['status', `${node.status}${cells.backoff ? `, ${cells.backoff}` : ''}`],
        ['ready', `${cells.ready}${node.required ? ' (required)' : ''}`],
        ['restarts', cells.restarts],
        ['mailbox', cells.mailbox || '—'],
        ['last exit', cells.lastExit || '—'],
        ['started', node.startedAt ? `${timeOfDay(node.startedAt)} (${node.startedAt})` : '—'],
        ['instance', node.instance ?? '—'],
      ]),
    );
    this.paramsBox.hidden = node.type !== 'worker';
    const lines = reportLines(node.info ?? {});
    fill(this.report, node.info === undefined ? h('p', { class: 'note' }, 'This actor reports nothing.') : table(lines.map((l) => [l.key, l.value] as const)));
    if (feed) this.paintRecent(feed, node.path);
  }

  setMessage(message: Message | undefined): void {
    if (!message) return fill(this.message);
    this.message.dataset.kind = message.kind;
    if (message.code) this.message.dataset.code = message.code;
    else delete this.message.dataset.code;
    fill(this.message, h('p', {}, message.text), ...(message.lines.length > 0 ? [h('ul', {}, ...message.lines.map((l) => h('li', {}, l)))] : []));
  }

  setHistory(state: HistoryState): void {
    if (state.state === 'loading') return fill(this.history, h('p', { class: 'note' }, 'loading…'));
    if (state.state === 'failed') return fill(this.history, h('p', { class: 'note error' }, state.message.text));
    if (state.entries.length === 0) return fill(this.history, h('p', { class: 'note' }, 'No params changes recorded.'));
    const rows = state.entries
      .slice()
      .reverse()
      .map((e) => h('tr', {}, h('td', {}, timeOfDay(e.time)), h('td', {}, e.source), h('td', {}, Object.entries(e.changed).map(([k, v]) => `${k}: ${JSON.stringify(e.previous[k] ?? null)} → ${JSON.stringify(v)}`).join('; '))));
    fill(this.history, h('table', { class: 'list' }, h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'source'), h('th', {}, 'change'))), h('tbody', {}, ...rows)));
  }

  private paintRecent(feed: Feed, path: string): void {
    const out = [];
    for (let i = feed.entries.length - 1; i >= 0 && out.length < RECENT_EVENTS; i--) {
      const e = feed.entries[i]!;
      if (e.highlight !== 'notice' && concerns(e.event, path)) out.push(h('li', { class: e.highlight ? `hl-${e.highlight}` : '' }, h('time', {}, timeOfDay(e.event.time)), ` ${e.event.type} `, h('span', { class: 'data' }, summaryOf(e.event, 100))));
    }
    fill(this.recent, ...(out.length > 0 ? out : [h('li', { class: 'note' }, 'none seen since the page opened')]));
  }

  private fillEditor(params: Readonly<Record<string, unknown>> | undefined): void {
    this.shownParams = params;
    this.editor.value = paramsText(params);
    setText(this.paramsNote, '');
  }

  private apply(): void {
    if (!this.node) return;
    const edit = editParams(this.shownParams, this.editor.value);
    if (!edit.ok) return this.setMessage({ kind: 'error', text: edit.message, lines: [], needsToken: false });
    this.callbacks.updateParams(this.node.path, edit.patch);
  }

  private kill(): void {
    if (!this.node) return;
    if (!this.killArmed) {
      this.killArmed = true;
      setText(this.killButton, 'Click again to kill');
      return;
    }
    this.killArmed = false;
    setText(this.killButton, 'Kill');
    this.callbacks.kill(this.node.path);
  }

  /** The server took the edit: what the editor shows is now the actor's params. */
  editAccepted(): void {
    try {
      this.fillEditor(JSON.parse(this.editor.value) as Record<string, unknown>);
    } catch {
      this.fillEditor(this.node?.params);
    }
  }
}
