/**
 * `overseer start [FILE]`: runs a system in the foreground until SIGTERM/SIGINT (drain, then a
 * graceful stop, exit 0) or until the root supervisor gives up (exit 1). Invalid config exits
 * 78 before anything starts. SIGHUP (and, with --watch, a change of the file) applies the
 * file to the running tree.
 */
import { resolve } from 'node:path';
import { ConfigError, formatProblem } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import type { SpecOverrides } from '../spec/index.js';
import { startSystem } from '../system/start-system.js';
import type { System } from '../system/system.js';
import { EXIT } from './exit-codes.js';
import { reloadConfig } from './reload.js';

export interface StartFlags {
  port?: number;
  host?: string;
  gatewayPort?: number;
  dataDir?: string;
  node?: string;
  adminToken?: string;
  watch?: boolean;
  logLevel: string;
  pretty: boolean;
}

export async function runStart(file: string, flags: StartFlags): Promise<number> {
  const logger = createLogger({ level: flags.logLevel, pretty: flags.pretty, name: 'overseer' });
  const overrides: SpecOverrides = {};
  if (flags.port !== undefined) overrides.adminPort = flags.port;
  if (flags.host !== undefined) overrides.adminHost = flags.host;
  if (flags.gatewayPort !== undefined) overrides.gatewayPort = flags.gatewayPort;
  if (flags.dataDir !== undefined) overrides.dataDir = resolve(flags.dataDir);
  if (flags.node !== undefined) overrides.node = flags.node;
  if (flags.adminToken !== undefined) overrides.adminToken = flags.adminToken;

  let system: System;
  try {
    system = await startSystem({ spec: file, logger, overrides });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const p of error.problems) process.stderr.write(formatProblem(p) + '\n');
      return EXIT.CONFIG;
    }
    throw error;
  }
  logger.info({ file, system: system.spec.name, node: system.spec.node, admin: system.adminUrl ?? null }, 'system started');
  const reloader = reloadConfig(system, file, logger, { watch: flags.watch === true });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the stop to finish');
      process.exit(EXIT.ROOT_GAVE_UP);
    }
    // Readiness drops now; with spec.drainMs the tree keeps serving that long before it stops.
    logger.info({ signal, drainMs: system.spec.drainMs }, 'stopping');
    void system.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const exit = await system.stopped;
  reloader.close();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  if (exit.reason === 'failed') {
    logger.error({ err: exit.error }, 'the root supervisor gave up; system stopped');
    return EXIT.ROOT_GAVE_UP;
  }
  logger.info('system stopped');
  return EXIT.OK;
}
