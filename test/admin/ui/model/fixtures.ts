/** Status trees and bus events as the admin endpoint sends them, for the view-model tests. */
import type { WireEvent, WireNode } from '../../../../src/admin/ui/model/index.js';

let n = 0;
export function event(type: string, data: Record<string, unknown>, source = 'root', time = '2026-01-02T03:04:05.000Z'): WireEvent {
  return { id: `e${++n}`, type, category: 'supervisor', system: 'sys', node: 'n1', source, time, data };
}

export function worker(path: string, extra: Partial<WireNode> = {}): WireNode {
  return {
    id: path.split('/').pop()!,
    path,
    type: 'worker',
    behaviour: 'idle',
    status: 'ready',
    ready: true,
    required: path.split('/').length === 2,
    restarts: 0,
    lastExit: null,
    mailbox: { depth: 0, capacity: 1000, dropped: 0 },
    startedAt: '2026-01-02T03:04:00.000Z',
    instance: `i-${path}`,
    params: {},
    ...extra,
  };
}

export function supervisor(path: string, children: WireNode[], extra: Partial<WireNode> = {}): WireNode {
  return { ...worker(path), type: 'supervisor', behaviour: undefined, strategy: 'one_for_one', mailbox: undefined, params: undefined, children, ...extra };
}

/** root → control-plane, store, pool (n workers). */
export function statusTree(poolSize = 3): WireNode {
  return supervisor('root', [
    worker('root/control-plane', { behaviour: 'control-plane' }),
    worker('root/store', { behaviour: 'store' }),
    supervisor('root/pool', Array.from({ length: poolSize }, (_, i) => worker(`root/pool/w${i}`))),
  ]);
}
