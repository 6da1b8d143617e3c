/**
 * Actors publish, loggers log: one bus subscriber turns every event into a log line at a
 * level chosen by its type (failures error, degradation and drops warn, lifecycle info,
 * everything else debug), so no decision is logged in two places.
 */
import type { EventEnvelope } from '../events/catalogue.js';
import type { Logger } from '../shared/logger.js';

type Level = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<string, Level> = {
  subsystem_failed: 'error',
  restart_intensity_exceeded: 'error',
  system_degraded: 'warn',
  messages_dropped: 'warn',
  child_restarting: 'warn',
  node_left: 'warn',
  initialization_started: 'info',
  subsystem_ready: 'info',
  systems_pending: 'info',
  system_ready: 'info',
  system_stopping: 'info',
  system_stopped: 'info',
  child_started: 'info',
  child_exited: 'info',
  node_joined: 'info',
  cluster_formed: 'info',
  leader_elected: 'info',
};

export function levelOf(event: EventEnvelope): Level {
  if (event.type === 'child_exited' && (event.data as { reason?: string }).reason === 'error') return 'error';
  // A node leaving because it stops cleanly is expected; any other reason is worth a warning.
  if (event.type === 'node_left' && (event.data as { reason?: string }).reason === 'shutdown') return 'info';
  return LEVELS[event.type] ?? 'debug';
}

export function logEvent(logger: Logger, event: EventEnvelope): void {
  const level = levelOf(event);
  if (!logger.isLevelEnabled(level)) return;
  logger[level]({ event: event.type, source: event.source, data: event.data, eventId: event.id }, describe(event));
}

function describe(event: EventEnvelope): string {
  const d = event.data as Record<string, unknown>;
  const subject = (d.path ?? d.system ?? d.supervisor ?? d.node ?? '') as string;
  return subject ? `${event.type} ${subject}` : event.type;
}
