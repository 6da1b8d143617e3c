// An example behaviour loaded by `module:` from a config file: publishes a `tick` event on
// the bus every `intervalMs` (params arrive as XState input). Crashes on demand so you can
// watch the supervisor restart it: curl is not needed, see README "Watch a restart".
import { fromCallback } from 'xstate';
import { runtimeOf } from 'overseer';

export const ticker = fromCallback(({ self, input, receive }) => {
  const rt = runtimeOf(self);
  let count = 0;
  const timer = setInterval(() => {
    count += 1;
    rt.publish({ type: 'tick', data: { count } });
    if (input.crashEvery && count % input.crashEvery === 0) self.send({ type: 'crash' });
  }, input.intervalMs ?? 1000);
  receive((event) => {
    if (event.type === 'crash') throw new Error(`ticker crashed on purpose after ${count} ticks`);
  });
  return () => clearInterval(timer);
});
