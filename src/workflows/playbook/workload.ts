/**
 * An execution's workload against its playbook's declared inputs: types, enums, required
 * fields, defaults filled in, unknown fields refused. Problems are values (`workload.x:
 * expected number, got string "hot"`), answered 400 by the gateway.
 */
import type { Playbook, WorkloadField, WorkloadType } from './types.js';

export interface WorkloadProblem {
  readonly path: string;
  readonly message: string;
}

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function matches(type: WorkloadType, value: unknown): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return kindOf(value) === 'object';
    default:
      return typeof value === type;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fieldProblem(name: string, field: WorkloadField, value: unknown): string | undefined {
  if (!matches(field.type, value)) return `expected ${field.type}, got ${kindOf(value)} ${JSON.stringify(value)?.slice(0, 100)}`;
  if (field.enum && !field.enum.some((e) => same(e, value))) return `invalid value ${JSON.stringify(value)?.slice(0, 100)}; expected one of ${field.enum.map((e) => JSON.stringify(e)).join(' | ')}`;
  return undefined;
}

/** The workload with defaults applied, or every problem found. */
export function checkWorkload(playbook: Playbook, workload: unknown): { value: Record<string, unknown> } | { problems: WorkloadProblem[] } {
  if (workload === undefined || workload === null) workload = {};
  if (kindOf(workload) !== 'object') return { problems: [{ path: 'workload', message: `expected an object, got ${kindOf(workload)}` }] };
  const given = workload as Record<string, unknown>;
  if (playbook.workload === undefined) return { value: { ...given } };
  const problems: WorkloadProblem[] = [];
  const value: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(playbook.workload, key)) problems.push({ path: `workload.${key}`, message: `unknown field; playbook ${playbook.name} takes ${Object.keys(playbook.workload).join(', ') || 'no fields'}` });
  }
  for (const [name, field] of Object.entries(playbook.workload)) {
    if (given[name] === undefined) {
      if (field.default !== undefined) value[name] = structuredClone(field.default);
      else if (field.required) problems.push({ path: `workload.${name}`, message: `required (${field.type})` });
      continue;
    }
    const problem = fieldProblem(name, field, given[name]);
    if (problem) problems.push({ path: `workload.${name}`, message: problem });
    else value[name] = given[name];
  }
  return problems.length > 0 ? { problems } : { value };
}
