/** Query-string parsing for the gateway: integers and enums, with errors that name the parameter and value. */
import { InvalidStoreRequestError } from '../errors.js';

type Query = Record<string, string | string[] | undefined>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new InvalidStoreRequestError(`${name}: given ${value.length} times; give it once`);
  return value;
}

/** A non-negative integer parameter, or undefined when absent. */
export function intParam(query: Query, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidStoreRequestError(`${name}: expected a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function enumParam<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw new InvalidStoreRequestError(`${name}: expected one of ${allowed.join(' | ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

export function stringParam(query: Query, name: string): string | undefined {
  const raw = single(query, name);
  return raw === '' ? undefined : raw;
}
