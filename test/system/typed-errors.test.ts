/**
 * No plain Error or TypeError reaches users: every failure the embedded API reports is an
 * OverseerError with a stable code, naming what it is about, with its cause kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromCallback } from 'xstate';
import { OverseerError, runtimeOf, startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { counter } from '../support/behaviours.js';
import { startStoreSystem } from '../support/eventstore.js';

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const doc = (children: unknown[]) => ({ apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'errors' }, spec: { node: 'n1', children } });

describe('typed errors', () => {
  it('a behaviour that is not actor logic is InvalidBehaviourError (regression: a TypeError)', async () => {
    const error = await startSystem({ spec: doc([]), behaviours: { bad: {} as never }, admin: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverseerError);
    expect(error).toMatchObject({ code: 'OVERSEER_ERR_INVALID_BEHAVIOUR', behaviour: 'bad' });
  });

  it('runtimeOf on an actor Overseer does not supervise is NotSupervisedError (regression: a plain Error)', () => {
    let caught: unknown;
    createActor(
      fromCallback(({ self }) => {
        try {
          runtimeOf(self);
        } catch (error) {
          caught = error;
        }
      }),
    ).start();
    expect(caught).toBeInstanceOf(OverseerError);
    expect(caught).toMatchObject({ code: 'OVERSEER_ERR_NOT_SUPERVISED' });
  });

  it('NotRunningError names the path', async () => {
    const system = await startSystem({ spec: doc([{ id: 'a', behaviour: 'counter', restart: 'transient' }]), behaviours: { counter }, admin: false });
    running.push(system);
    await system.terminateChild('root/a');
    expect(() => system.send('root/a', { type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_NOT_RUNNING', path: 'root/a' }));
    await system.stop();
    expect(() => system.send('root/a', { type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_NOT_RUNNING', path: 'root/a' }));
  });

  it('an unknown request type to an event-store actor is InvalidStoreRequestError (regression: a plain Error)', async () => {
    const { system } = await startStoreSystem({ gateway: false });
    running.push(system);
    const reply = (await system.ask('root/store', { type: 'bogus' }, { timeoutMs: 1000 })) as { type: string; error: unknown };
    expect(reply.type).toBe('error');
    expect(reply.error).toBeInstanceOf(OverseerError);
    expect(reply.error).toMatchObject({ code: 'OVERSEER_ERR_INVALID_STORE_REQUEST' });
  });
});
