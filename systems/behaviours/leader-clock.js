// A cluster singleton for systems/cluster.yaml (`placement: leader`): it runs only on the
// node the cluster elected, and appends a `tick` with that node and its term to the stream
// `leader-clock` every `intervalMs`. Kill the leader and the ticks go on from the next one,
// in a higher term; never two nodes ticking at once. See README "Run three nodes".
import { fromCallback } from 'xstate';
import { eventStore, runtimeOf } from 'overseer';

export const leaderClock = fromCallback(({ self, input }) => {
  const rt = runtimeOf(self);
  const store = eventStore(rt.system);
  let n = 0;
  let timer;
  const tick = async () => {
    try {
      const { term } = await store.members();
      n += 1;
      await store.append('leader-clock', [{ type: 'tick', data: { node: rt.system.spec.node, term, n } }]);
    } catch (error) {
      rt.logger.warn({ err: error }, 'leader-clock: tick not stored; trying again next time');
    }
    timer = setTimeout(tick, input?.intervalMs ?? 1000);
  };
  timer = setTimeout(tick, 0);
  return () => clearTimeout(timer);
});
