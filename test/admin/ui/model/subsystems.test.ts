/** Subsystem views: shown only when their actors run; the store's streams and $all tail from events_appended. */
import { describe, expect, it } from 'vitest';
import { applyActivityEvent, emptyActivity, executions, reconcilesOf, recentStreams, reportLines, sectionsOf, TAIL_LENGTH, treeFromStatus } from '../../../../src/admin/ui/model/index.js';
import { event, supervisor, worker } from './fixtures.js';

const appended = (stream: string, fromVersion: number, toVersion: number, position: number) => event('events_appended', { stream, fromVersion, toVersion, position }, 'root/store');

describe('subsystem sections', () => {
  it('the event store section appears with its actors in order and the gateway URL; others only when their actors run', () => {
    const store = treeFromStatus(
      supervisor('root', [
        worker('root/gateway', { behaviour: 'gateway', info: { url: 'http://127.0.0.1:2113' } }),
        worker('root/persistence', { behaviour: 'persistence' }),
        worker('root/store', { behaviour: 'store' }),
      ]),
    );
    const s = sectionsOf(store);
    expect(s.eventStore?.actors.map((n) => n.behaviour)).toEqual(['persistence', 'store', 'gateway']);
    expect(s.eventStore?.gatewayUrl).toBe('http://127.0.0.1:2113');
    expect([s.resources, s.workflows]).toEqual([undefined, undefined]);
    const plain = sectionsOf(treeFromStatus(supervisor('root', [worker('root/w')])));
    expect(plain).toEqual({ eventStore: undefined, resources: undefined, workflows: undefined });
    const more = sectionsOf(treeFromStatus(supervisor('root', [worker('root/r', { behaviour: 'resources' }), worker('root/c', { behaviour: 'controller', params: { kind: 'Lab' } }), worker('root/wf', { behaviour: 'workflows' })])));
    expect(more.resources?.controllers.map((c) => c.path)).toEqual(['root/c']);
    expect(more.workflows?.actors.map((c) => c.path)).toEqual(['root/wf']);
  });

  it('a gateway URL that is not http(s) is not linked', () => {
    const s = sectionsOf(treeFromStatus(supervisor('root', [worker('root/store', { behaviour: 'store' }), worker('root/gateway', { behaviour: 'gateway', info: { url: 'javascript:alert(1)' } })])));
    expect(s.eventStore?.gatewayUrl).toBeUndefined();
  });

  it('streams by last append with versions and counts; the $all tail in position order, bounded, replays not doubled', () => {
    const a = emptyActivity();
    applyActivityEvent(a, appended('orders-1', 0, 1, 2));
    applyActivityEvent(a, appended('orders-2', 0, 0, 3));
    applyActivityEvent(a, appended('orders-1', 2, 2, 4));
    expect(applyActivityEvent(a, appended('orders-1', 2, 2, 4))).toBe(false);
    expect(recentStreams(a).map((s) => [s.stream, s.version, s.appended, s.lastPosition])).toEqual([
      ['orders-1', 2, 3, 4],
      ['orders-2', 0, 1, 3],
    ]);
    expect(a.tail.map((t) => t.position)).toEqual([2, 3, 4]);
    applyActivityEvent(a, appended('late', 0, 0, 1));
    expect(a.tail.map((t) => t.position)).toEqual([1, 2, 3, 4]);
    for (let p = 5; p < 5 + TAIL_LENGTH; p++) applyActivityEvent(a, appended('bulk', p, p, p));
    expect(a.tail).toHaveLength(TAIL_LENGTH);
    expect(a.tail[0]!.position).toBe(5);
  });

  it('workflow executions are the execution-{id} streams; reconciles are kept per controller and key', () => {
    const a = emptyActivity();
    applyActivityEvent(a, appended('execution-abc', 0, 3, 4));
    applyActivityEvent(a, appended('orders', 0, 0, 5));
    expect(executions(a)).toEqual([{ id: 'abc', stream: 'execution-abc', entries: 4, lastTime: '2026-01-02T03:04:05.000Z' }]);
    applyActivityEvent(a, event('reconcile_failed', { controller: 'root/c', key: 'default/lab-1', error: 'boom', retries: 1, delayMs: 5 }));
    applyActivityEvent(a, event('reconcile_failed', { controller: 'root/c', key: 'default/lab-2', error: 'boom', retries: 1, delayMs: 5 }, 'root', '2026-01-02T03:04:04.000Z'));
    expect(reconcilesOf(emptyActivity(), treeFromStatus(worker('root/c')).nodes.get('root/c')!)).toEqual([]);
    expect(a.reconciles.get('root/c\ndefault/lab-2')?.detail).toBe('boom (retry in 5 ms)');
    applyActivityEvent(a, event('reconcile_requeued', { controller: 'root/c', key: 'default/lab-1', reason: 'requeue_after', afterMs: 500 }));
    const controller = treeFromStatus(supervisor('root', [worker('root/c', { behaviour: 'controller' })])).nodes.get('root/c')!;
    expect(reconcilesOf(a, controller).map((r) => [r.key, r.result, r.detail, r.count])).toEqual([
      ['default/lab-1', 'requeued', 'requeue after 500 ms', 2],
      ['default/lab-2', 'failed', 'boom (retry in 5 ms)', 1],
    ]);
  });
});

describe('actor reports', () => {
  it('any shape becomes key/value lines: nested keys dotted, plain lists joined, object lists indexed', () => {
    expect(reportLines({ head: 5, members: ['n1', 'n2'], kinds: { Lab: { ready: 2 } }, subs: [{ id: 's1', lag: 0 }] })).toEqual([
      { key: 'head', value: '5' },
      { key: 'members', value: 'n1, n2' },
      { key: 'kinds.Lab.ready', value: '2' },
      { key: 'subs[0].id', value: 's1' },
      { key: 'subs[0].lag', value: '0' },
    ]);
    expect(reportLines({})).toEqual([]);
    expect(reportLines({ big: 'x'.repeat(2000) })[0]!.value).toHaveLength(500);
    expect(reportLines(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])))).toHaveLength(200);
  });
});
