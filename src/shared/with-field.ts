/**
 * `{ ...obj, key: value }` for hot paths (every ask, every forwarded store request). On
 * Node 20 that spread costs ~0.4 µs (measured: a third of an ask round trip), while
 * Object.assign makes the same copy (own enumerable properties) in ~40 ns.
 */
export function withField<T extends object, K extends string, V>(obj: T, key: K, value: V): T & { [P in K]: V } {
  const copy = Object.assign({}, obj) as Record<string, unknown>;
  copy[key] = value;
  return copy as T & { [P in K]: V };
}
