/**
 * An actor's report (`info` on its /status node: what `runtimeOf(self).report()` returned, of
 * any shape) and params as key/value lines: nested keys dotted, lists of plain values joined,
 * lists of objects indexed. Bounded, so a huge report cannot swamp the page.
 */
import { isRecord } from './wire.js';

export interface ReportLine {
  readonly key: string;
  readonly value: string;
}

export const REPORT_LINES = 200;
const VALUE_CHARS = 500;

export function reportLines(value: unknown, limit = REPORT_LINES): ReportLine[] {
  const out: ReportLine[] = [];
  const visit = (v: unknown, key: string, depth: number): void => {
    if (out.length >= limit) return;
    if (isRecord(v) && depth === 0 && Object.keys(v).length === 0) return; // nothing reported
    if (isRecord(v) && depth < 6 && Object.keys(v).length > 0) {
      for (const [k, inner] of Object.entries(v)) visit(inner, key ? `${key}.${k}` : k, depth + 1);
      return;
    }
    if (Array.isArray(v) && depth < 6 && v.some((x) => isRecord(x) || Array.isArray(x))) {
      v.forEach((inner, i) => visit(inner, `${key}[${i}]`, depth + 1));
      return;
    }
    out.push({ key: key || '(value)', value: short(v) });
  };
  visit(value, '', 0);
  return out;
}

function short(v: unknown): string {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (Array.isArray(v)) text = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  else text = JSON.stringify(v) ?? String(v);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}
