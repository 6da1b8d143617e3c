/** startSystem({ inspect }): every actor of the tree is created with the XState inspector. */
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { startSystem } from '../../src/index.js';
import { counter } from '../support/behaviours.js';

describe('inspection', () => {
  it('hands the inspector to every actor, and it sees the events sent through the runtime', async () => {
    const seen: InspectionEvent[] = [];
    const system = await startSystem({
      spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'i' }, spec: { node: 'n1', children: [{ id: 'g', children: [{ id: 'c', behaviour: 'counter' }] }] } },
      behaviours: { counter },
      admin: false,
      inspect: (event) => void seen.push(event),
    });
    system.send('root/g/c', { type: 'inc' });
    await system.stop();
    expect(seen.some((e) => e.type === '@xstate.actor')).toBe(true);
    const sent = seen.filter((e) => e.type === '@xstate.event' && (e as { event: { type: string } }).event.type === 'inc');
    expect(sent).toHaveLength(1);
  });
});
