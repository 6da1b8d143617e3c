/**
 * Pipeline links in a config (DESIGN §10): a worker's `inputs` name the producers whose
 * `output` arrives in its mailbox, as sibling ids or paths from `root`. Checked on the tolerant
 * view, with positions: every input names a worker of the file, once, and the links form no cycle.
 */
import type { ConfigProblem } from '../shared/errors.js';
import type { ConfigPath, SourceDoc } from './positions.js';
import { problem } from './problems.js';
import type { ChildrenView } from './view.js';

/** The producer path an `inputs` entry of a child of `parentPath` names. */
export function resolveInput(parentPath: string, ref: string): string {
  return ref.includes('/') ? ref : `${parentPath}/${ref}`;
}

interface Link {
  readonly producer: string;
  readonly at: ConfigPath;
}

export function checkLinks(children: ChildrenView | undefined, file: string, source: SourceDoc | undefined): ConfigProblem[] {
  const kinds = new Map<string, 'worker' | 'supervisor'>();
  const inputs = new Map<string, Link[]>();
  const out: ConfigProblem[] = [];
  const collect = (list: ChildrenView, parent: string, base: ConfigPath) =>
    list.forEach((c, i) => {
      if (c?.id === undefined) return;
      const path = `${parent}/${c.id}`;
      const kind = c.keys.has('children') ? 'supervisor' : 'worker';
      kinds.set(path, kind);
      // On a supervisor, rules.ts reports the key itself.
      if (c.inputs && kind === 'worker') inputs.set(path, c.inputs.flatMap((ref, n) => (ref === undefined ? [] : [{ producer: resolveInput(parent, ref), at: [...base, i, 'inputs', n] }])));
      if (c.children) collect(c.children, path, [...base, i, 'children']);
    });
  if (children) collect(children, 'root', ['spec', 'children']);

  const valid = new Map<string, Link[]>();
  for (const [consumer, links] of inputs) {
    const seen = new Set<string>();
    const kept: Link[] = [];
    for (const link of links) {
      const kind = kinds.get(link.producer);
      if (kind === undefined) out.push(problem(file, source, link.at, `no actor "${link.producer}" in this file (inputs name sibling ids or paths such as root/a/b)`));
      else if (kind === 'supervisor') out.push(problem(file, source, link.at, `"${link.producer}" is a supervisor; inputs name workers`));
      else if (seen.has(link.producer)) out.push(problem(file, source, link.at, `"${link.producer}" is listed twice`));
      else kept.push(link);
      seen.add(link.producer);
    }
    valid.set(consumer, kept);
  }
  out.push(...cycles(valid, file, source));
  return out;
}

/** One problem per cycle, at the input that closes it (depth-first, in file order). */
function cycles(inputs: ReadonlyMap<string, readonly Link[]>, file: string, source: SourceDoc | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const link of inputs.get(node) ?? []) {
      const s = state.get(link.producer);
      if (s === 'open') {
        const loop = [...stack.slice(stack.indexOf(link.producer)), link.producer];
        out.push(problem(file, source, link.at, `inputs form a cycle: ${loop.join(' ← ')}`));
      } else if (s === undefined) visit(link.producer);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of inputs.keys()) if (!state.has(node)) visit(node);
  return out;
}
