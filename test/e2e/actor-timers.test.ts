/**
 * A user machine's `after:` delay keeps the process alive exactly as under raw XState: the
 * runtime unrefs only its own timers (backoff, deadlines), never the actors'.
 */
import { describe, expect, it } from 'vitest';
import { runModule } from './cli.js';

const SCRIPT = `
import { startSystem } from './dist/index.js';
import { setup } from 'xstate';
const waiter = setup({}).createMachine({ initial: 'waiting', states: { waiting: { after: { 300: 'done' } }, done: { type: 'final' } } });
const system = await startSystem({
  spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'timers' }, spec: { node: 'n1', children: [{ id: 'w', behaviour: 'waiter', restart: 'transient' }] } },
  behaviours: { waiter },
  admin: false,
});
system.events.subscribe('watch', { lateJoin: true, types: ['child_exited'], handler: (e) => {
  if (e.data.path === 'root/w' && e.data.reason === 'normal') { console.log('fired'); void system.stop(); }
} });
`;

describe('actor timers', () => {
  it("a system whose only pending work is a 300 ms after: delay runs until it fires (regression: the runtime's clock unref'd it and the process exited first)", async () => {
    const { code, stdout: out, stderr: err } = await runModule(SCRIPT);
    expect(err).toBe('');
    expect(out.trim()).toBe('fired');
    expect(code).toBe(0);
  });
});
