/**
 * Leadership terms, a fencing token: strictly increasing every time leadership is
 * (re)established within one running system, across restarts of the cluster actor (each
 * incarnation has a fresh membership). Per system, so two systems in one process count apart.
 */

const lastTerms = new WeakMap<object, number>();

/** The next term for `scope` (the running system): 1 the first time, then one more each call. */
export function nextTerm(scope: object): number {
  const term = (lastTerms.get(scope) ?? 0) + 1;
  lastTerms.set(scope, term);
  return term;
}
