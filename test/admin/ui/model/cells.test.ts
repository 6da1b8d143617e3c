/** What each column of a row says: status colour, mailbox pressure, last exit, the backoff countdown. */
import { describe, expect, it } from 'vitest';
import { cellsOf, seconds, timeOfDay, treeFromStatus } from '../../../../src/admin/ui/model/index.js';
import { worker } from './fixtures.js';

const node = (extra: Parameters<typeof worker>[1]) => treeFromStatus(worker('root/w', extra)).nodes.get('root/w')!;

describe('row cells', () => {
  it('a ready actor is green with its mailbox as depth/capacity', () => {
    expect(cellsOf(node({}), 0)).toMatchObject({ statusClass: 's-ready', status: 'ready', ready: 'yes', restarts: '0', mailbox: '0/1000', mailboxClass: '', lastExit: '', backoff: '' });
  });

  it('a mailbox 80% full is busy, one that dropped is marked with its drops', () => {
    expect(cellsOf(node({ mailbox: { depth: 800, capacity: 1000, dropped: 0 } }), 0).mailboxClass).toBe('mb-busy');
    expect(cellsOf(node({ mailbox: { depth: 1, capacity: 1000, dropped: 3 } }), 0)).toMatchObject({ mailbox: '1/1000 · 3 dropped', mailboxClass: 'mb-drops' });
  });

  it('an error exit reads reason, error and local time, and is coloured', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5).toISOString();
    expect(cellsOf(node({ lastExit: { reason: 'error', error: 'killed', at } }), 0)).toMatchObject({ lastExit: 'error: killed at 03:04:05', lastExitClass: 'exit-error' });
    expect(timeOfDay('not a time')).toBe('not a time');
  });

  it('a backoff counts down to its deadline and says the attempt', () => {
    const n = node({ status: 'backoff', ready: false });
    expect(cellsOf(n, 0).backoff).toBe('waiting to restart');
    n.backoffUntilMs = 2500;
    n.attempt = 3;
    expect(cellsOf(n, 1300)).toMatchObject({ statusClass: 's-backoff', backoff: 'restart in 1.2 s (attempt 3)' });
    expect(cellsOf(n, 9000).backoff).toBe('restart in 0.0 s (attempt 3)');
    expect(seconds(125_000)).toBe('125 s');
  });
});
