/**
 * Label keys and values as Kubernetes writes them: a key is an optional DNS-subdomain prefix
 * and `/`, then a name of up to 63 characters; a value is up to 63 of the same characters, or
 * empty. Finalizers and annotation keys follow the key rule too.
 */

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a qualified name, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix))) {
    return `${JSON.stringify(key.slice(0, 300))}: the prefix before "/" must be a DNS subdomain (lowercase letters, digits, - and ., at most 253 characters)`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `${JSON.stringify(key.slice(0, 300))}: a key is [prefix/]name, the name 1-63 letters, digits, -, _ and ., starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) return `${JSON.stringify(value.slice(0, 300))}: a label value is empty or 1-63 letters, digits, -, _ and ., starting and ending with a letter or digit`;
  return undefined;
}
