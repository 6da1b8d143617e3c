/**
 * The readiness banner: ready, degraded, starting or stopping, with the missing systems named
 * and why. Folded from the system events (DESIGN §5) as they come, and from GET
 * /readyz?verbose at load and after changes; an answer older than the last readiness event is
 * ignored. Every change of phase is kept in a short log, so a flap faster than the eye (a
 * restart in 100 ms) is still on the page.
 */
import { field, type WireEvent } from './wire.js';

export type Phase = 'connecting' | 'starting' | 'ready' | 'degraded' | 'stopping' | 'stopped';

export interface Missing {
  readonly path: string;
  readonly reason: string;
}

export interface Transition {
  readonly phase: Phase;
  /** When: the event's time, or the page's clock for a change /readyz showed (ms since the epoch). */
  readonly atMs: number;
  readonly missing: readonly string[];
}

export interface Banner {
  readonly phase: Phase;
  /** Required systems not ready, in the order the server named them. */
  readonly missing: readonly string[];
  /** Why each not-ready system is not ready, when an event or /readyz said. */
  readonly reasons: ReadonlyMap<string, string>;
  /** A system_ready was seen: losing readiness now is `degraded`, not `starting`. */
  readonly everReady: boolean;
  /** The stamp of the last readiness event applied. */
  readonly stamp: number;
  /** The latest phase changes, newest last. */
  readonly log: readonly Transition[];
}

const LOG_LENGTH = 8;

export function initialBanner(): Banner {
  return { phase: 'connecting', missing: [], reasons: new Map(), everReady: false, stamp: 0, log: [] };
}

/** Event types the banner folds (the page refreshes /readyz after each). */
export const READINESS_TYPES = new Set([
  'initialization_started',
  'systems_pending',
  'system_ready',
  'system_degraded',
  'subsystem_failed',
  'subsystem_ready',
  'system_stopping',
  'system_stopped',
]);

export function applyReadinessEvent(banner: Banner, event: WireEvent, nowMs: number, stamp: number): Banner {
  if (!READINESS_TYPES.has(event.type)) return banner;
  const d = event.data;
  const list = (key: string) => (Array.isArray(field(d, key)) ? (field<unknown[]>(d, key)!).map(String) : []);
  // The server's time of the event: a replayed history keeps its own times.
  const eventMs = Date.parse(event.time);
  const at = { nowMs: Number.isFinite(eventMs) ? eventMs : nowMs, stamp };
  switch (event.type) {
    case 'initialization_started':
      return moveTo({ ...banner, everReady: false }, 'starting', list('expectedSystems'), at);
    case 'systems_pending':
      return moveTo(banner, banner.everReady ? 'degraded' : 'starting', list('missingSystems'), at);
    case 'system_ready':
      return moveTo({ ...banner, everReady: true, reasons: new Map() }, 'ready', [], at);
    case 'system_degraded':
      return moveTo(banner, 'degraded', list('missingSystems'), at);
    case 'system_stopping':
      return moveTo(banner, 'stopping', banner.missing, at);
    case 'system_stopped':
      return moveTo(banner, 'stopped', banner.missing, at);
    case 'subsystem_failed': {
      const reasons = new Map(banner.reasons);
      reasons.set(String(field(d, 'system')), String(field(d, 'reason') ?? 'failed'));
      return { ...banner, reasons, stamp };
    }
    case 'subsystem_ready': {
      const reasons = new Map(banner.reasons);
      reasons.delete(String(field(d, 'system')));
      return { ...banner, reasons, stamp };
    }
  }
  return banner;
}

/** One parsed check of /readyz?verbose: `[+]root/store ok`, `[-]root/gateway not ready: starting`. */
export interface ReadyzCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly reason: string;
}

export function parseReadyz(text: string): ReadyzCheck[] {
  const checks: ReadyzCheck[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[([+-])\](\S+)\s?(.*)$/.exec(line.trim());
    if (m) checks.push({ name: m[2]!, ok: m[1] === '+', reason: m[3]! });
  }
  return checks;
}

/** A /readyz?verbose answer asked for at `issuedStamp`; ignored if a readiness event came since. */
export function applyReadyz(banner: Banner, text: string, issuedStamp: number, nowMs: number): Banner {
  if (banner.stamp > issuedStamp) return banner;
  const checks = parseReadyz(text);
  if (checks.length === 0) return banner;
  const stopping = checks.some((c) => c.name === 'shutdown' && !c.ok);
  const failing = checks.filter((c) => c.name !== 'shutdown' && !c.ok);
  const reasons = new Map(banner.reasons);
  for (const c of failing) if (!reasons.has(c.name)) reasons.set(c.name, c.reason.replace(/^not ready: /, ''));
  const phase: Phase = stopping ? 'stopping' : failing.length === 0 ? 'ready' : banner.everReady ? 'degraded' : 'starting';
  const next = { ...banner, reasons, everReady: banner.everReady || phase === 'ready' };
  return moveTo(next, phase, failing.map((c) => c.name), { nowMs, stamp: banner.stamp });
}

function moveTo(banner: Banner, phase: Phase, missing: readonly string[], at: { nowMs: number; stamp: number }): Banner {
  const log = banner.phase === phase ? banner.log : [...banner.log, { phase, atMs: at.nowMs, missing }].slice(-LOG_LENGTH);
  return { ...banner, phase, missing, stamp: at.stamp, log };
}

/** The missing systems with their reasons, as the banner lists them. */
export function missingWithReasons(banner: Banner): Missing[] {
  return banner.missing.map((path) => ({ path, reason: banner.reasons.get(path) ?? 'not ready' }));
}

/** The banner's headline. */
export function headline(banner: Banner): string {
  const n = banner.missing.length;
  switch (banner.phase) {
    case 'connecting':
      return 'Connecting…';
    case 'ready':
      return 'Ready';
    case 'starting':
      return n > 0 ? `Starting: waiting for ${n} system${n === 1 ? '' : 's'}` : 'Starting';
    case 'degraded':
      return `Degraded: ${n} system${n === 1 ? '' : 's'} not ready`;
    case 'stopping':
      return 'Stopping';
    case 'stopped':
      return 'Stopped';
  }
}
