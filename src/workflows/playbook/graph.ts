/**
 * The step graph of a playbook (edges: `next`): what each step can reach (the broker's join
 * test: may a branch still arrive here?), which steps start cannot reach, and the cycles
 * nothing leaves (Tarjan's strongly connected components), for the loader's checks.
 */

export type Edges = ReadonlyMap<string, readonly string[]>;

/** For every step, the steps reachable from it in one or more transitions. */
export function reachability(edges: Edges): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const from of edges.keys()) {
    const seen = new Set<string>();
    const stack = [...(edges.get(from) ?? [])];
    while (stack.length > 0) {
      const step = stack.pop()!;
      if (seen.has(step)) continue;
      seen.add(step);
      for (const n of edges.get(step) ?? []) if (!seen.has(n)) stack.push(n);
    }
    out.set(from, seen);
  }
  return out;
}

/** Strongly connected components that are cycles (two or more steps, or a step leading to itself), in discovery order. */
export function cycles(edges: Edges): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) !== indexOf.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.reverse());
  };
  // Playbooks are at most 1000 steps: the recursion depth is bounded by the schema.
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** The cycles no transition leaves: once entered, the execution can never reach an end from there. */
export function closedCycles(edges: Edges): string[][] {
  return cycles(edges).filter((component) => {
    const members = new Set(component);
    return component.every((step) => (edges.get(step) ?? []).every((n) => members.has(n)));
  });
}
