import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/events/catalogue.js';
import { expectPath, forgetPath, initialReadiness, reduceReadiness, type Emitted, type ReadinessState } from '../../src/control-plane/readiness-model.js';

const ev = (type: string, data: Record<string, unknown> = {}): EventEnvelope =>
  ({ id: 'x', type, category: 'system', system: 's', node: 'n1', source: 'root', time: '', data }) as EventEnvelope;

function run(state: ReadinessState, events: EventEnvelope[]): { state: ReadinessState; emitted: Emitted[] } {
  const emitted: Emitted[] = [];
  for (const e of events) {
    const r = reduceReadiness(state, e);
    state = r.state;
    emitted.push(...r.emit);
  }
  return { state, emitted };
}

const five = ['root/persistence', 'root/notification', 'root/store', 'root/cluster', 'root/gateway'];

describe('readiness model', () => {
  it('publishes systems_pending after each non-final ready and exactly one system_ready with all five', () => {
    const order = ['root/store', 'root/gateway', 'root/persistence', 'root/cluster', 'root/notification'];
    const { emitted, state } = run(initialReadiness('n1', five), [
      ...five.map((s) => ev('subsystem_starting', { system: s })),
      ...order.map((s) => ev('subsystem_ready', { system: s })),
    ]);
    expect(emitted.map((e) => e.type)).toEqual(['systems_pending', 'systems_pending', 'systems_pending', 'systems_pending', 'system_ready']);
    expect(emitted[0]!.data).toEqual({ missingSystems: five.filter((s) => s !== 'root/store'), readySystems: ['root/store'] });
    expect(emitted[4]!.data).toEqual({ readySystems: five, node: 'n1' });
    expect(state.systemReady).toBe(true);
  });

  it('never re-fires on duplicate ready events', () => {
    const { emitted } = run(initialReadiness('n1', ['a']), [ev('subsystem_ready', { system: 'a' }), ev('subsystem_ready', { system: 'a' })]);
    expect(emitted.map((e) => e.type)).toEqual(['system_ready']);
  });

  it('degrades when a required actor fails after readiness and fires system_ready again on recovery', () => {
    const { emitted, state } = run(initialReadiness('n1', ['a', 'b']), [
      ev('subsystem_ready', { system: 'a' }),
      ev('subsystem_ready', { system: 'b' }),
      ev('subsystem_failed', { system: 'b', reason: 'boom' }),
      ev('subsystem_starting', { system: 'b' }),
      ev('subsystem_ready', { system: 'b' }),
    ]);
    expect(emitted.map((e) => e.type)).toEqual(['systems_pending', 'system_ready', 'system_degraded', 'system_ready']);
    expect(emitted[2]!.data).toEqual({ missingSystems: ['b'] });
    expect(state.systemReady).toBe(true);
  });

  it('ignores actors that are not required', () => {
    const { emitted } = run(initialReadiness('n1', ['a']), [
      ev('subsystem_ready', { system: 'a' }),
      ev('subsystem_failed', { system: 'optional', reason: 'boom' }),
      ev('subsystem_ready', { system: 'optional' }),
    ]);
    expect(emitted.map((e) => e.type)).toEqual(['system_ready']);
  });

  it('records why a required actor is not ready', () => {
    const { state } = run(initialReadiness('n1', ['a']), [ev('subsystem_failed', { system: 'a', reason: 'readiness_timeout' })]);
    expect(state.reasons.get('a')).toBe('readiness_timeout');
  });

  it('system_stopping drops readiness for good', () => {
    const { state, emitted } = run(initialReadiness('n1', ['a']), [ev('subsystem_ready', { system: 'a' }), ev('system_stopping'), ev('subsystem_ready', { system: 'a' })]);
    expect(state.systemReady).toBe(false);
    expect(state.stopping).toBe(true);
    expect(emitted.map((e) => e.type)).toEqual(['system_ready']);
  });

  it('a model rebuilt from a ready tree is ready without firing again', () => {
    const state = initialReadiness('n1', ['a', 'b'], ['a', 'b']);
    expect(state.systemReady).toBe(true);
    expect(run(state, [ev('subsystem_ready', { system: 'a' })]).emitted).toEqual([]);
  });

  it('a required actor joining the live tree degrades a ready system until it is ready too', () => {
    const ready = run(initialReadiness('n1', ['root/a']), [ev('subsystem_ready', { system: 'root/a' })]).state;
    const joined = expectPath(ready, 'root/late');
    expect(joined.emit).toEqual([{ type: 'system_degraded', data: { missingSystems: ['root/late'] } }]);
    expect(expectPath(joined.state, 'root/late').emit).toEqual([]); // idempotent
    const { emitted } = run(joined.state, [ev('subsystem_ready', { system: 'root/late' })]);
    expect(emitted.map((e) => e.type)).toEqual(['system_ready']);
  });

  it('a required actor leaving the live tree is no longer waited for; the last missing one leaving makes the system ready', () => {
    const state = run(initialReadiness('n1', ['root/a', 'root/b']), [ev('subsystem_ready', { system: 'root/a' })]).state;
    const left = forgetPath(state, 'root/b');
    expect(left.state.expected).toEqual(['root/a']);
    expect(left.emit).toEqual([{ type: 'system_ready', data: { readySystems: ['root/a'], node: 'n1' } }]);
    expect(forgetPath(left.state, 'root/b').emit).toEqual([]);
    expect(forgetPath(left.state, 'root/a').state.expected).toEqual([]);
  });
});
