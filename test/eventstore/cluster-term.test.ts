import { describe, expect, it } from 'vitest';
import type { System } from '../../src/system/system.js';
import { nextEvent, storeSystems } from '../support/eventstore.js';

const start = storeSystems({ gateway: false });

const terms = (system: System) => system.events.recent({ types: ['leader_elected'] }).map((e) => (e.data as { term: number }).term);

describe('cluster terms', () => {
  it('leader_elected term increases across restarts of the cluster actor (regression: every restart published term 1)', async () => {
    const { system, store } = await start();
    expect(terms(system)).toEqual([1]);

    let elected = nextEvent(system, 'leader_elected');
    await system.terminateChild('root/cluster');
    await system.restartChild('root/cluster');
    expect((await elected).data).toEqual({ leader: 'n1', term: 2 });
    expect(await store.members()).toEqual({ members: ['n1'], leader: 'n1', term: 2 });

    elected = nextEvent(system, 'leader_elected');
    system.kill('root/cluster', 'drill'); // a crash, restarted by the supervisor
    expect((await elected).data).toEqual({ leader: 'n1', term: 3 });
    expect(terms(system)).toEqual([1, 2, 3]);
  });

  it('terms are per system: two systems in one process each start at term 1', async () => {
    const first = await start();
    const reElected = nextEvent(first.system, 'leader_elected');
    first.system.kill('root/cluster', 'drill');
    expect((await reElected).data).toMatchObject({ term: 2 });
    const second = await start();
    expect(terms(second.system)).toEqual([1]);
    expect(await second.store.members()).toMatchObject({ term: 1 });
    expect(terms(first.system)).toEqual([1, 2]);
  });
});
