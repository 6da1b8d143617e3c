/** The page's tree kept live by bus events between /status fetches. */
import { describe, expect, it } from 'vitest';
import { applyTreeEvent, treeFromStatus } from '../../../../src/admin/ui/model/index.js';
import { event, statusTree } from './fixtures.js';

describe('tree events', () => {
  it('a kill shows as exit, backoff with a deadline, then a start that counts one restart', () => {
    const tree = treeFromStatus(statusTree());
    applyTreeEvent(tree, event('child_exited', { path: 'root/store', reason: 'error', error: 'killed' }, 'root', '2026-01-02T03:04:06.000Z'), 1000, 1);
    let store = tree.nodes.get('root/store')!;
    expect(store).toMatchObject({ status: 'stopped', ready: false, lastExit: { reason: 'error', error: 'killed', at: '2026-01-02T03:04:06.000Z' } });
    applyTreeEvent(tree, event('child_restarting', { path: 'root/store', attempt: 1, delayMs: 120 }), 1000, 2);
    store = tree.nodes.get('root/store')!;
    expect(store).toMatchObject({ status: 'backoff', backoffUntilMs: 1120, attempt: 1, pendingRestart: true, restarts: 0 });
    applyTreeEvent(tree, event('child_started', { path: 'root/store', instance: 'fresh' }), 1130, 3);
    expect(store).toMatchObject({ status: 'running', instance: 'fresh', restarts: 1, pendingRestart: false, backoffUntilMs: undefined, eventStamp: 3 });
    applyTreeEvent(tree, event('subsystem_ready', { system: 'root/store' }), 1140, 4);
    expect(store).toMatchObject({ status: 'ready', ready: true });
  });

  it('a start without a restart announced before it (the first start) counts nothing', () => {
    const tree = treeFromStatus(statusTree());
    applyTreeEvent(tree, event('child_started', { path: 'root/store', instance: 'again' }), 0, 1);
    expect(tree.nodes.get('root/store')!.restarts).toBe(0);
  });

  it('a start whose instance the tree already has (a /status showed it first) is not counted twice', () => {
    const tree = treeFromStatus(statusTree());
    const store = tree.nodes.get('root/store')!;
    store.pendingRestart = true;
    store.restarts = 1;
    applyTreeEvent(tree, event('child_started', { path: 'root/store', instance: store.instance }), 0, 1);
    expect(store.restarts).toBe(1);
  });

  it('subsystem_failed keeps its reason until the actor is ready again', () => {
    const tree = treeFromStatus(statusTree());
    applyTreeEvent(tree, event('subsystem_failed', { system: 'root/store', reason: 'readiness_timeout' }), 0, 1);
    expect(tree.nodes.get('root/store')).toMatchObject({ ready: false, failReason: 'readiness_timeout' });
    applyTreeEvent(tree, event('subsystem_ready', { system: 'root/store' }), 0, 2);
    expect(tree.nodes.get('root/store')!.failReason).toBeUndefined();
  });

  it('child_deleted removes the node and its subtree, and the parent forgets it', () => {
    const tree = treeFromStatus(statusTree());
    const structure = tree.structure;
    const change = applyTreeEvent(tree, event('child_deleted', { path: 'root/pool' }), 0, 1);
    expect(change.changed).toBe(true);
    expect([...tree.nodes.keys()].filter((p) => p.startsWith('root/pool'))).toEqual([]);
    expect(tree.nodes.get('root')!.children).toEqual(['root/control-plane', 'root/store']);
    expect(tree.structure).toBe(structure + 1);
  });

  it('messages_dropped adds to the mailbox drops without asking for a new /status', () => {
    const tree = treeFromStatus(statusTree());
    const change = applyTreeEvent(tree, event('messages_dropped', { path: 'root/pool/w1', count: 7, policy: 'drop_newest' }), 0, 1);
    expect(change).toEqual({ changed: true, refetch: false });
    expect(tree.nodes.get('root/pool/w1')!.mailbox).toEqual({ depth: 0, capacity: 1000, dropped: 7 });
  });

  it('params_updated merges the changed keys (null deletes) into the params shown', () => {
    const tree = treeFromStatus(statusTree());
    tree.nodes.get('root/store')!.params = { a: 1, b: 2 };
    applyTreeEvent(tree, event('params_updated', { path: 'root/store', changed: { a: 5, b: null, c: 'x' }, previous: { a: 1, b: 2, c: null }, action: 'restarted' }), 0, 1);
    expect(tree.nodes.get('root/store')!.params).toEqual({ a: 5, c: 'x' });
  });

  it('an event about a path the page has not seen asks for a new /status; one about nothing changes nothing', () => {
    const tree = treeFromStatus(statusTree());
    expect(applyTreeEvent(tree, event('child_started', { path: 'root/pool/new', instance: 'x' }), 0, 1)).toEqual({ changed: false, refetch: true });
    expect(applyTreeEvent(tree, event('events_appended', { stream: 's', fromVersion: 0, toVersion: 0, position: 1 }), 0, 2)).toEqual({ changed: false, refetch: false });
    expect(applyTreeEvent(tree, event('config_applied', { plan: [], source: 'api' }), 0, 3)).toEqual({ changed: false, refetch: true });
  });
});
