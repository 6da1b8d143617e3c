/**
 * What the engine does when it starts: find every execution that was running (the index rows,
 * and any execution_started the journal holds after the index's checkpoint: a row a crash or a
 * power loss took), read each back, and decide again. Deciding is idempotent, so a task that
 * was queued is not queued twice and an event that was stored is not stored twice. Leases of
 * the process that ended are released at once: their workers are gone.
 */
import type { EventStoreClient } from '../../eventstore/client.js';
import type { Logger } from '../../shared/logger.js';
import { isTerminal } from '../broker/state.js';
import { ExecutionNotFoundError } from '../errors.js';
import { executionOf } from '../log.js';
import type { WorkflowEngine } from './engine.js';

const PAGE = 4096;

export async function recover(engine: WorkflowEngine, store: EventStoreClient, logger: Logger): Promise<{ resumed: number; released: number }> {
  const candidates = new Map<string, { position?: number }>(engine.index.active().map((r) => [r.id, {}]));
  let from = engine.index.checkpoint() + 1;
  for (;;) {
    const { events } = await store.readAll({ from, limit: PAGE });
    for (const e of events) {
      const id = executionOf(e.stream);
      if (id !== undefined && e.type === 'execution_started' && !candidates.has(id)) candidates.set(id, { position: e.position });
      from = e.position + 1;
    }
    if (events.length < PAGE) break;
  }
  const released = engine.queue.releaseForeign();
  let resumed = 0;
  for (const [id, found] of candidates) {
    let read: Awaited<ReturnType<WorkflowEngine['readExecution']>>;
    try {
      read = await engine.readExecution(id);
    } catch (error) {
      if (error instanceof ExecutionNotFoundError) {
        engine.index.remove(id);
        continue;
      }
      if (error instanceof Error && /never loaded/.test(error.message)) {
        logger.error({ execution: id, err: error }, 'workflow: cannot resume this execution');
        continue;
      }
      throw error;
    }
    if (isTerminal(read.state)) {
      engine.index.remove(id);
      engine.queue.dropExecution(id);
      continue;
    }
    engine.adopt(read, found.position);
    resumed += 1;
  }
  if (from > 1) engine.index.setCheckpoint(from - 1);
  if (resumed > 0 || released > 0) logger.info({ resumed, released }, 'workflows resumed');
  return { resumed, released };
}
