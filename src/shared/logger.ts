/**
 * Logging: pino JSON by default. The runtime makes one child logger per actor carrying
 * `path` and `instance`, so every line can be traced to one incarnation of one actor.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (options.pretty) {
    return pino({
      level,
      name: options.name,
      // Colour only for a terminal: `--pretty > file` gets plain text.
      transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino({ level, name: options.name });
}

/** A logger that writes nothing: the default for embedded use in tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
