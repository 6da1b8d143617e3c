/** The tree as rows: large supervisors start collapsed with a summary, the user's choices win, the filter opens ancestors. */
import { describe, expect, it } from 'vitest';
import { LARGE_SUPERVISOR, summarise, summaryText, treeFromStatus, visibleRows } from '../../../../src/admin/ui/model/index.js';
import { statusTree, supervisor, worker } from './fixtures.js';

const none = { expanded: new Set<string>(), collapsed: new Set<string>() };

describe('visible rows', () => {
  it('shows a small tree whole, depth first, with depths', () => {
    const rows = visibleRows(treeFromStatus(statusTree(2)), none);
    expect(rows.map((r) => [r.path, r.depth])).toEqual([
      ['root', 0],
      ['root/control-plane', 1],
      ['root/store', 1],
      ['root/pool', 1],
      ['root/pool/w0', 2],
      ['root/pool/w1', 2],
    ]);
    expect(rows.find((r) => r.path === 'root/pool')).toMatchObject({ expandable: true, open: true });
  });

  it('a 10k-actor supervisor starts collapsed: the tree opens as a handful of rows', () => {
    const tree = treeFromStatus(statusTree(10_000));
    const rows = visibleRows(tree, none);
    expect(rows.map((r) => r.path)).toEqual(['root', 'root/control-plane', 'root/store', 'root/pool']);
    expect(rows[3]).toMatchObject({ expandable: true, open: false });
    expect(visibleRows(tree, { ...none, expanded: new Set(['root/pool']) })).toHaveLength(10_004);
  });

  it('the root stays open however many children it has; a collapsed choice closes a small one', () => {
    const tree = treeFromStatus(supervisor('root', Array.from({ length: LARGE_SUPERVISOR + 1 }, (_, i) => worker(`root/w${i}`))));
    expect(visibleRows(tree, none)).toHaveLength(LARGE_SUPERVISOR + 2);
    expect(visibleRows(treeFromStatus(statusTree(2)), { ...none, collapsed: new Set(['root/pool']) }).map((r) => r.path)).not.toContain('root/pool/w0');
  });

  it('a filter keeps matches and their ancestors, opening collapsed ones on the way', () => {
    const tree = treeFromStatus(statusTree(10_000));
    const rows = visibleRows(tree, { ...none, filter: 'W9999' });
    expect(rows.map((r) => [r.path, r.match])).toEqual([
      ['root', false],
      ['root/pool', false],
      ['root/pool/w9999', true],
    ]);
    expect(visibleRows(tree, { ...none, filter: 'nothing-like-this' })).toEqual([]);
  });
});

describe('summaries of supervisors', () => {
  it('counts actors, not-ready workers, backoffs, restarts and drops over the whole subtree', () => {
    const tree = treeFromStatus(
      supervisor('root', [
        supervisor('root/a', [
          worker('root/a/x', { ready: false, status: 'backoff', restarts: 2 }),
          supervisor('root/a/b', [worker('root/a/b/y', { restarts: 1, mailbox: { depth: 0, capacity: 10, dropped: 4 } }), worker('root/a/b/done', { ready: false, status: 'completed' })]),
        ]),
      ]),
    );
    const s = summarise(tree);
    expect(s.get('root/a')).toEqual({ actors: 4, workers: 3, notReady: 1, backoff: 1, failed: 0, restarts: 3, dropped: 4 });
    expect(s.get('root')!.actors).toBe(5);
    expect(summaryText(s.get('root/a'))).toBe('4 actors · 1 not ready · 1 in backoff · 3 restarts · 4 dropped');
    expect(summaryText(undefined, 12)).toBe('12 children (not loaded)');
  });
});
