/**
 * Stopping within a deadline: `shutdown` is ms, `brutal_kill` (kill at once) or `infinity`
 * (wait as long as it takes, OTP's default for supervisors). On expiry the kill function
 * force-stops whatever is still running, and the stop completes.
 */
import type { Clock } from '../shared/clock.js';
import type { Shutdown } from '../spec/types.js';

export async function stopWithin(
  shutdown: Shutdown,
  clock: Clock,
  graceful: () => Promise<void>,
  kill: () => void,
): Promise<void> {
  if (shutdown === 'brutal_kill') {
    kill();
    await graceful(); // settles at once: every child is already stopped
    return;
  }
  const stopping = graceful();
  if (shutdown === 'infinity') return stopping;
  let timer: unknown;
  const deadline = new Promise<void>((resolve) => {
    timer = clock.setTimeout(() => {
      kill();
      resolve();
    }, shutdown);
  });
  try {
    await Promise.race([stopping, deadline]);
  } finally {
    clock.clearTimeout(timer);
  }
}
