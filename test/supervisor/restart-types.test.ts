import { describe, expect, it } from 'vitest';
import type { RestartType } from '../../src/spec/types.js';
import { rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

/** Makes the child exit with the given reason, the way real code would. */
function exit(t: ReturnType<typeof rootOf>, reason: 'normal' | 'shutdown' | 'error') {
  const cell = t.cell('root/w');
  if (reason === 'normal') cell.send({ type: 'finish' });
  else if (reason === 'error') cell.send({ type: 'crash' });
  else cell.ref!.stop(); // stopped by someone other than its supervisor
}

// OTP: permanent always restarts; transient only after an abnormal exit; temporary never.
const table: [RestartType, 'normal' | 'shutdown' | 'error', boolean][] = [
  ['permanent', 'normal', true],
  ['permanent', 'shutdown', true],
  ['permanent', 'error', true],
  ['transient', 'normal', false],
  ['transient', 'shutdown', false],
  ['transient', 'error', true],
  ['temporary', 'normal', false],
  ['temporary', 'shutdown', false],
  ['temporary', 'error', false],
];

describe('restart types', () => {
  it.each(table)('%s child after %s exit: restarted = %s', async (restart, reason, restarted) => {
    const t = rootOf(supervisor('root', [worker('w', 'counter', { restart })]));
    await t.root.start();
    const before = t.cell('root/w').instance;
    exit(t, reason);
    await settle();
    const exited = t.events.find((e) => e.type === 'child_exited');
    expect(exited?.data).toMatchObject({ path: 'root/w', reason });
    if (restarted) {
      expect(t.cell('root/w').instance).not.toBe(before);
      expect(t.cell('root/w').status).toBe('ready');
      expect(t.cell('root/w').restarts).toBe(1);
    } else if (restart === 'temporary') {
      expect(t.services.index.has('root/w')).toBe(false); // OTP drops temporary children once they exit
    } else {
      expect(t.cell('root/w').status).toBe(reason === 'normal' ? 'completed' : 'stopped');
    }
    await t.root.stop('infinity');
  });

  it('records the last exit with its reason and error message', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter')]));
    await t.root.start();
    t.cell('root/w').send({ type: 'crash' });
    await settle();
    expect(t.cell('root/w').lastExit).toMatchObject({ reason: 'error', error: 'boom' });
    expect(t.events.find((e) => e.type === 'subsystem_failed')?.data).toEqual({ system: 'root/w', reason: 'boom' });
    await t.root.stop('infinity');
  });

  it('a child that crashes during start is restarted until intensity gives up, and start() rejects (regression: the start resolved although the supervisor gave up)', async () => {
    const t = rootOf(supervisor('root', [worker('bad', 'crashOnStart')], { intensity: { maxRestarts: 2, periodMs: 5000 } }));
    const error = await t.root.start().then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; child: string },
    );
    expect(error).toMatchObject({ code: 'OVERSEER_ERR_INTENSITY', child: 'root/bad' });
    expect((error!.cause as Error).message).toBe('cannot start');
    expect(t.events.filter((e) => e.type === 'child_exited' && e.data.reason === 'error')).toHaveLength(3);
    expect(t.exits).toHaveLength(0); // the failure is the start's answer, not an exit report
    expect(t.root.status).toBe('failed');
  });
});
