/** A fresh /status laid over the tree the page has: what events said after the fetch was asked for survives it. */
import { describe, expect, it } from 'vitest';
import type { StatusNode } from '../../../../src/system/status.js';
import type { EventEnvelope } from '../../../../src/events/catalogue.js';
import { applyTreeEvent, mergeStatus, treeFromStatus, walkTree, type WireEvent, type WireNode } from '../../../../src/admin/ui/model/index.js';
import { event, statusTree, supervisor, worker } from './fixtures.js';

// The runtime's own types must keep fitting what the page reads (a compile-time check).
const statusFits = (node: StatusNode): WireNode => node;
const eventFits = (e: EventEnvelope): WireEvent => e;
void statusFits;
void eventFits;

describe('merging a new /status', () => {
  it('builds every node with its parent and children in start order', () => {
    const tree = treeFromStatus(statusTree(2));
    expect([...walkTree(tree)].map((n) => n.path)).toEqual(['root', 'root/control-plane', 'root/store', 'root/pool', 'root/pool/w0', 'root/pool/w1']);
    expect(tree.nodes.get('root/pool/w1')!.parent).toBe('root/pool');
    expect(tree.nodes.get('root')!.parent).toBeUndefined();
  });

  it('takes the new figures for nodes no event touched since the fetch was asked for', () => {
    const old = treeFromStatus(statusTree());
    const next = mergeStatus(old, supervisor('root', [worker('root/control-plane'), worker('root/store', { restarts: 4, mailbox: { depth: 9, capacity: 1000, dropped: 1 } }), supervisor('root/pool', [])]), 0);
    expect(next.nodes.get('root/store')).toMatchObject({ restarts: 4, mailbox: { depth: 9, capacity: 1000, dropped: 1 } });
    expect(next.nodes.has('root/pool/w0')).toBe(false);
    expect(next.structure).toBe(old.structure + 1);
    expect(next.revision).toBe(old.revision + 1);
  });

  it('keeps what an event said after the fetch was issued, but takes the mailbox and report', () => {
    const old = treeFromStatus(statusTree());
    applyTreeEvent(old, event('child_restarting', { path: 'root/store', attempt: 1, delayMs: 500 }), 100, 5);
    const stale = supervisor('root', [worker('root/control-plane'), worker('root/store', { status: 'ready', mailbox: { depth: 3, capacity: 1000, dropped: 0 }, info: { head: 9 } }), supervisor('root/pool', [])]);
    const next = mergeStatus(old, stale, 4);
    expect(next.nodes.get('root/store')).toMatchObject({ status: 'backoff', backoffUntilMs: 600, pendingRestart: true, mailbox: { depth: 3 }, info: { head: 9 } });
  });

  it('an answer asked for after the events replaces them, keeping only what no status carries', () => {
    const old = treeFromStatus(statusTree());
    applyTreeEvent(old, event('child_restarting', { path: 'root/store', attempt: 2, delayMs: 500 }), 100, 5);
    const fresh = supervisor('root', [worker('root/control-plane'), worker('root/store', { status: 'backoff', ready: false }), supervisor('root/pool', [])]);
    const next = mergeStatus(old, fresh, 5);
    expect(next.nodes.get('root/store')).toMatchObject({ status: 'backoff', backoffUntilMs: 600, attempt: 2, pendingRestart: true, eventStamp: 0 });
    const started = mergeStatus(next, supervisor('root', [worker('root/control-plane'), worker('root/store', { instance: 'new', restarts: 1 }), supervisor('root/pool', [])]), 6);
    expect(started.nodes.get('root/store')).toMatchObject({ status: 'ready', restarts: 1, backoffUntilMs: undefined, pendingRestart: false });
  });

  it('a tree that gained a child is a change of structure; the same shape is not', () => {
    const old = treeFromStatus(statusTree(2));
    expect(mergeStatus(old, statusTree(2), 0).structure).toBe(old.structure);
    expect(mergeStatus(old, statusTree(3), 0).structure).toBe(old.structure + 1);
  });
});
