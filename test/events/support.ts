/** A bus with a recording logger, and a way to let microtask drains run. */
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { EventBus, type BusOptions } from '../../src/events/index.js';

export function testBus(options: Partial<BusOptions> = {}) {
  const warnings: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).trim().split('\n')) warnings.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  const bus = new EventBus({ system: 'sys', node: 'n1', logger, ...options });
  return { bus, warnings };
}

export async function tick(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Collects a handler subscription's events. */
export function collect(bus: EventBus, name: string, options: Parameters<EventBus['subscribe']>[1] = {}) {
  const got: { type: string; data: unknown }[] = [];
  const sub = bus.subscribe(name, { ...options, handler: (e) => got.push({ type: e.type, data: e.data }) });
  return { got, sub };
}
