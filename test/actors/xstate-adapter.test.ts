/**
 * One test per XState internal the runtime relies on (src/actors/xstate-adapter.ts): each
 * fails loudly, naming the internal, when an XState upgrade changes it.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup, type AnyActorRef } from 'xstate';
import { deliver, releaseAfterError, setSystemSlot, stateNodesOf, systemSlotOf, XSTATE_STOP } from '../../src/actors/xstate-adapter.js';

describe('XState internals the runtime uses', () => {
  it('Actor#_send exists and delivers an event like send()', () => {
    const got: string[] = [];
    const actor = createActor(fromCallback<{ type: string }>(({ receive }) => receive((e) => void got.push(e.type)))).start();
    expect(typeof (actor as unknown as { _send?: unknown })._send, 'XState internal Actor#_send changed').toBe('function');
    deliver(actor, { type: 'ping' });
    expect(got).toEqual(['ping']);
    actor.stop();
  });

  it("a machine's idMap lists its state nodes with their tags and `on` handlers", () => {
    const machine = setup({}).createMachine({
      initial: 'a',
      states: { a: { tags: ['ready'], on: { 'overseer.stop': 'b' } }, b: { type: 'final' } },
    });
    const nodes = stateNodesOf(machine);
    expect(nodes, 'XState internal StateMachine#idMap changed').toBeDefined();
    const list = [...nodes!];
    expect(list.some((n) => n.tags?.includes('ready'))).toBe(true);
    expect(list.some((n) => n.on !== undefined && 'overseer.stop' in n.on)).toBe(true);
    expect(stateNodesOf(fromCallback(() => undefined))).toBeUndefined();
  });

  it('an actor that errors does not run its cleanup by itself (why releaseAfterError exists), and releaseAfterError runs it once', () => {
    let disposed = 0;
    const actor = createActor(
      fromCallback<{ type: string }>(({ receive }) => {
        receive(() => {
          throw new Error('crash');
        });
        return () => void disposed++;
      }),
    );
    actor.subscribe({ error: () => undefined });
    actor.start();
    actor.send({ type: 'go' });
    expect(disposed, 'XState now runs a crashed fromCallback cleanup itself: releaseAfterError would run it twice').toBe(0);
    expect((actor as unknown as { _actorScope?: unknown })._actorScope, 'XState internal Actor#_actorScope changed').toBeDefined();
    releaseAfterError(actor);
    expect(disposed, `XState internal: the "${XSTATE_STOP}" transition no longer runs a fromCallback cleanup`).toBe(1);
  });

  it("a crashed machine's invoked children keep running by themselves, and releaseAfterError stops them through _stop", () => {
    let disposed = 0;
    const child = fromCallback(() => () => void disposed++);
    const machine = setup({ actors: { child } }).createMachine({
      invoke: { id: 'c', src: 'child' },
      on: {
        crash: {
          actions: () => {
            throw new Error('crash');
          },
        },
      },
    });
    const actor = createActor(machine);
    actor.subscribe({ error: () => undefined });
    actor.start();
    const invoked = (actor.getSnapshot() as { children: Record<string, AnyActorRef> }).children.c!;
    expect(typeof (invoked as unknown as { _stop?: unknown })._stop, 'XState internal Actor#_stop changed').toBe('function');
    actor.send({ type: 'crash' });
    expect(disposed, 'XState now stops a crashed machine’s children itself').toBe(0);
    releaseAfterError(actor);
    expect(disposed).toBe(1);
  });

  it('actors invoked by a root actor share its system object, so a slot on it is visible from all of them', () => {
    let seenFromChild: unknown;
    const child = fromCallback(({ self }) => {
      seenFromChild = systemSlotOf(self);
    });
    const machine = setup({ actors: { child } }).createMachine({ invoke: { src: 'child' } });
    const actor = createActor(machine);
    setSystemSlot(actor, 'the runtime');
    actor.start();
    expect(seenFromChild, 'XState: invoked actors no longer share actor.system').toBe('the runtime');
    actor.stop();
  });
});
