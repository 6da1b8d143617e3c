import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('restart intensity and escalation', () => {
  it('N+1 crashes within the period make the supervisor give up and stop its children', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter'), worker('other', 'counter')], { intensity: { maxRestarts: 3, periodMs: 5000 } }));
    await t.root.start();
    for (let i = 0; i < 3; i++) {
      t.cell('root/w').send({ type: 'crash' });
      await settle();
    }
    expect(t.exits).toHaveLength(0);
    expect(t.cell('root/w').restarts).toBe(3);
    t.cell('root/w').send({ type: 'crash' });
    await settle();
    // The real count in the window (4 > 3), and the child whose crash tripped it.
    expect(t.events.find((e) => e.type === 'restart_intensity_exceeded')?.data).toEqual({
      supervisor: 'root',
      child: 'root/w',
      restarts: 4,
      maxRestarts: 3,
      periodMs: 5000,
      error: 'boom',
    });
    expect(t.exits).toHaveLength(1);
    // OTP: a supervisor that gives up exits with reason shutdown; the error names the cause.
    expect(t.exits[0]!.reason).toBe('shutdown');
    expect(t.exits[0]!.error).toMatchObject({ code: 'OVERSEER_ERR_INTENSITY', child: 'root/w', restarts: 4, cause: { message: 'boom' } });
    expect(t.root.status).toBe('failed');
    expect(t.cell('root/other').status).toBe('stopped');
  });

  it('crashes spread out beyond the period never escalate', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'counter')], { intensity: { maxRestarts: 2, periodMs: 1000 } }));
    await t.root.start();
    for (let i = 0; i < 10; i++) {
      t.cell('root/w').send({ type: 'crash' });
      await settle();
      vi.advanceTimersByTime(600);
    }
    expect(t.exits).toHaveLength(0);
    expect(t.cell('root/w').restarts).toBe(10);
    await t.root.stop('infinity');
  });

  it('escalates through two levels and stops the root; intensities multiply across levels', async () => {
    const t = rootOf(
      supervisor('root', [supervisor('mid', [worker('leaf', 'counter')], { intensity: { maxRestarts: 3, periodMs: 5000 } })], {
        intensity: { maxRestarts: 2, periodMs: 5000 },
      }),
    );
    await t.root.start();
    let crashes = 0;
    while (t.root.status !== 'failed' && crashes < 100) {
      t.cell('root/mid/leaf').send({ type: 'crash' });
      crashes++;
      await settle(50);
    }
    // mid tolerates 3 restarts (gives up on the 4th crash); root restarts mid twice, gives up on the 3rd.
    expect(crashes).toBe((3 + 1) * (2 + 1));
    expect(t.events.filter((e) => e.type === 'restart_intensity_exceeded').map((e) => e.data.supervisor)).toEqual([
      'root/mid',
      'root/mid',
      'root/mid',
      'root',
    ]);
    expect(t.exits).toHaveLength(1);
    expect(t.sup('root/mid').restarts).toBe(2);
  });
});
