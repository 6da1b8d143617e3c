/**
 * The subsystem views (shown only when their actors run): the event store's reports, streams
 * and `$all` tail; resources with their controllers' reconcile outcomes; workflow executions.
 * Store data comes from `events_appended` on the bus (see model/subsystems.ts); links open the
 * gateway's own API for the full records.
 */
import { executions, recentStreams, reconcilesOf, reportLines, timeOfDay, type Activity, type NodeView, type Sections } from '../model/index.js';
import { fill, h, table } from './dom.js';

const link = (base: string | undefined, path: string, text: string) =>
  base ? h('a', { href: new URL(path, base).href, target: '_blank', rel: 'noopener noreferrer' }, text) : text;

function actorReport(node: NodeView): HTMLElement {
  const lines = reportLines(node.info ?? {});
  return h(
    'div',
    { class: 'report-card', 'data-path': node.path },
    h('h4', {}, h('span', { class: `dot s-${node.status}` }), ` ${node.behaviour ?? node.id} `, h('code', {}, node.path), ` ${node.status}${node.ready ? '' : ' (not ready)'}`),
    lines.length > 0 ? table(lines.map((l) => [l.key, l.value] as const)) : h('p', { class: 'note' }, 'no report'),
  );
}

function listTable(head: readonly string[], rows: readonly (readonly (string | Node)[])[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'note' }, empty);
  return h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

export function paintEventStore(host: HTMLElement, sections: Sections, activity: Activity): void {
  const section = sections.eventStore;
  if (!section) return fill(host);
  const gw = section.gatewayUrl;
  const streams = recentStreams(activity, 100);
  const tail = activity.tail.slice().reverse();
  fill(
    host,
    h('div', { class: 'cards' }, ...section.actors.map(actorReport)),
    h('h3', {}, `Streams (${activity.streams.size} seen)`),
    h('p', { class: 'note' }, 'Streams appended to while the admin endpoint’s recent-events ring and this page watched (from events_appended). ', gw ? link(gw, '/api/v1/streams', 'Every stream, on the gateway') : 'No gateway runs: the store is read through the embedded API.'),
    listTable(['stream', 'version', 'appended', 'last position', 'last append'], streams.map((s) => [link(gw, `/api/v1/streams/${encodeURIComponent(s.stream)}`, s.stream), String(s.version), String(s.appended), String(s.lastPosition), timeOfDay(s.lastTime)]), 'No appends seen yet.'),
    h('h3', {}, '$all tail'),
    listTable(['position', 'stream', 'versions', 'time'], tail.map((a) => [link(gw, `/api/v1/all?from=${Math.max(1, a.position - (a.toVersion - a.fromVersion))}&limit=${a.toVersion - a.fromVersion + 1}`, String(a.position)), a.stream, a.fromVersion === a.toVersion ? String(a.toVersion) : `${a.fromVersion}–${a.toVersion}`, timeOfDay(a.time)]), 'No appends seen yet.'),
  );
}

export function paintResources(host: HTMLElement, sections: Sections, activity: Activity): void {
  const section = sections.resources;
  if (!section) return fill(host);
  fill(
    host,
    h('div', { class: 'cards' }, ...section.stores.map(actorReport)),
    ...section.controllers.map((c) => {
      const kind = typeof c.params?.kind === 'string' ? c.params.kind : '?';
      const rows = reconcilesOf(activity, c).map((r) => [r.key, r.result, r.detail, String(r.count), timeOfDay(r.time)]);
      return h('div', { class: 'controller', 'data-path': c.path }, h('h3', {}, `Controller ${c.id}: kind ${kind} `, h('span', { class: `dot s-${c.status}` }), ` ${c.status}`), actorReport(c), listTable(['resource', 'last reconcile', 'detail', 'reconciles', 'time'], rows, 'No reconcile seen yet.'));
    }),
  );
}

export function paintWorkflows(host: HTMLElement, sections: Sections, activity: Activity, gatewayUrl: string | undefined): void {
  const section = sections.workflows;
  if (!section) return fill(host);
  const rows = executions(activity).map((x) => [link(gatewayUrl, `/api/v1/executions/${encodeURIComponent(x.id)}`, x.id), String(x.entries), timeOfDay(x.lastTime)]);
  fill(
    host,
    h('div', { class: 'cards' }, ...section.actors.map(actorReport)),
    h('h3', {}, 'Executions'),
    h('p', { class: 'note' }, 'Executions whose log (stream execution-{id}) was appended to while the page watched; each links to its status and steps on the gateway.'),
    listTable(['execution', 'log entries', 'last entry'], rows, 'No execution seen yet.'),
  );
}
