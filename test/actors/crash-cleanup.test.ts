import { describe, expect, it } from 'vitest';
import { fromCallback, setup } from 'xstate';
import { recordingServices, rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

// Regression: XState does not run cleanup for an actor that errors, so every crash leaked
// the crashed incarnation's timers (seen as a CLI that never exited after the root gave up).
describe('a crashed actor releases what it holds', () => {
  it("runs a fromCallback's cleanup when it crashes", async () => {
    const disposed: number[] = [];
    let incarnation = 0;
    const leaky = fromCallback<{ type: string }>(({ receive }) => {
      const mine = ++incarnation;
      receive((e) => {
        if (e.type === 'crash') throw new Error('crash');
      });
      return () => disposed.push(mine);
    });
    const t = rootOf(supervisor('root', [worker('w', 'leaky')]), recordingServices({ leaky }));
    await t.root.start();
    t.cell('root/w').send({ type: 'crash' });
    await settle();
    expect(disposed).toEqual([1]);
    expect(t.cell('root/w').running).toBe(true);
    await t.root.stop('infinity');
    expect(disposed).toEqual([1, 2]);
  });

  it("stops a crashed machine's invoked children", async () => {
    const disposed: string[] = [];
    const child = fromCallback(() => () => disposed.push('child'));
    const parent = setup({ actors: { child } }).createMachine({
      invoke: { src: 'child' },
      on: {
        crash: {
          actions: () => {
            throw new Error('crash');
          },
        },
      },
    });
    const t = rootOf(supervisor('root', [worker('p', 'parent')]), recordingServices({ parent }));
    await t.root.start();
    t.cell('root/p').send({ type: 'crash' });
    await settle();
    expect(disposed).toEqual(['child']);
    await t.root.stop('infinity');
  });
});
