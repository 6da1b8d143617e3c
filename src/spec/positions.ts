/**
 * Source positions for config paths: parses YAML (JSON too, it is valid YAML) keeping a
 * LineCounter, and maps a path like ['spec', 'children', 0, 'restart'] to LINE:COL of the
 * value, of the key (for unknown keys), or of the nearest existing ancestor. Hostile input
 * (alias bombs, unresolved aliases, deep nesting, huge files, foreign tags) becomes positioned
 * problems here: nothing the yaml package throws leaves this module.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type ConfigPath = readonly (string | number)[];

/** A problem found before the schema: YAML syntax, or a document shape the loader refuses. */
export interface SourceProblem {
  line: number;
  col: number;
  path: ConfigPath;
  message: string;
}

export interface SourceDoc {
  value: unknown;
  /** 1-based line and column for a path; `key` points at the key instead of the value. */
  locate(path: ConfigPath, key?: boolean): { line: number; col: number };
  syntaxErrors: SourceProblem[];
}

/**
 * Alias expansion is bounded explicitly (yaml's toJS `maxAliasCount`, the package default made
 * visible): a "billion laughs" document fails fast instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 100;
/** Deeper documents are refused before the recursive phases (toJS, zod, freezing) can overflow the stack. */
export const MAX_DEPTH = 64;
/** A supervision tree config is a few KB; yaml parses ~1 MB/s, so this bounds parse time too. */
export const MAX_SOURCE_CHARS = 1024 * 1024;
/** A broken file yields hundreds of follow-on syntax errors; the first few say what is wrong. */
const MAX_SYNTAX_ERRORS = 20;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

export function parseSource(text: string): SourceDoc {
  const lineCounter = new LineCounter();
  const pos = (offset: number) => lineCounter.linePos(offset);
  const failed = (problems: SourceProblem[]): SourceDoc => ({ value: undefined, syntaxErrors: problems, locate: () => ({ line: 1, col: 1 }) });
  if (text.length > MAX_SOURCE_CHARS) {
    return failed([{ line: 1, col: 1, path: [], message: `config is ${text.length} characters; the limit is ${MAX_SOURCE_CHARS}` }]);
  }
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    // yaml reports its own failures as doc.errors; a throw is unexpected, still a config problem.
    return failed([{ line: 1, col: 1, path: [], message: `syntax error: cannot parse: ${messageOf(error)}` }]);
  }
  const errors = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({ ...pos(e.pos[0]), path: [], message: `syntax error: ${messageOf(e)}` }));
  if (doc.errors.length > MAX_SYNTAX_ERRORS) errors.push({ ...errors[errors.length - 1]!, message: `syntax error: ${doc.errors.length - MAX_SYNTAX_ERRORS} more syntax errors not shown` });
  const located: SourceDoc = {
    value: undefined,
    syntaxErrors: errors,
    locate(path, key = false) {
      for (let depth = Math.min(path.length, MAX_DEPTH + 1); depth >= 0; depth--) {
        try {
          const node = nodeAt(doc, path.slice(0, depth), key && depth === path.length);
          if (node?.range) return pos(node.range[0]);
        } catch {
          // a path through an alias or a malformed node: fall back to its parent
        }
      }
      return { line: 1, col: 1 };
    },
  };
  if (errors.length > 0) return located;
  const shape = shapeProblems(doc, pos);
  const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED').map((w) => ({ ...pos(w.pos[0]), path: [], message: `unsupported tag: ${messageOf(w).replace(/^Unresolved tag: /, '')}; only the core YAML tags are allowed` }));
  if (shape.problems.length > 0 || tags.length > 0) return { ...located, syntaxErrors: [...shape.problems, ...tags] };
  try {
    located.value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const at = shape.firstAlias ?? { line: 1, col: 1, path: [] };
    const message = /alias count/i.test(messageOf(error))
      ? `aliases expand to too many nodes (limit: maxAliasCount ${MAX_ALIAS_COUNT}); is this an alias bomb?`
      : `cannot read document: ${messageOf(error)}`;
    return { ...located, syntaxErrors: [{ ...at, message }] };
  }
  return located;
}

/**
 * One iterative pass in document order (no recursion, so depth cannot overflow it): nesting
 * beyond MAX_DEPTH, keys that are not scalars (JS objects cannot hold them), and aliases whose
 * anchor does not come before them. Also returns the first alias, where an alias bomb is reported.
 */
function shapeProblems(doc: Document, pos: (offset: number) => { line: number; col: number }) {
  const problems: SourceProblem[] = [];
  let firstAlias: SourceProblem | undefined;
  const anchors = new Set<string>();
  const at = (node: unknown, path: ConfigPath, message: string): SourceProblem => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return { ...(range ? pos(range[0]) : { line: 1, col: 1 }), path, message };
  };
  const stack: { node: unknown; path: ConfigPath }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0 && problems.length < MAX_SYNTAX_ERRORS) {
    const { node, path } = stack.pop()!;
    if (node === null || node === undefined) continue;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.add(anchor);
    if (isAlias(node)) {
      firstAlias ??= at(node, path, '');
      if (!anchors.has(node.source)) problems.push(at(node, path, `unresolved alias *${node.source}: no anchor &${node.source} before it`));
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (path.length >= MAX_DEPTH) {
      problems.push(at(node, path, `nested deeper than ${MAX_DEPTH} levels`));
      continue;
    }
    const next: { node: unknown; path: ConfigPath }[] = [];
    node.items.forEach((item: unknown, i: number) => {
      if (isPair(item)) {
        if (item.key !== null && !isScalar(item.key)) {
          problems.push(at(item.key, path, 'a key must be a plain value (string or number), not a collection or an alias'));
          return;
        }
        const key = isScalar(item.key) ? String(item.key.value) : '';
        if (isScalar(item.key) && item.key.anchor) anchors.add(item.key.anchor);
        next.push({ node: item.value, path: [...path, key] });
      } else {
        next.push({ node: item, path: [...path, i] });
      }
    });
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return { problems, firstAlias };
}

function nodeAt(doc: Document, path: ConfigPath, key: boolean): Node | undefined {
  if (path.length === 0) return doc.contents ?? undefined;
  if (key) {
    const parent = doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]);
      if (pair && isScalar(pair.key)) return pair.key;
    }
    return undefined;
  }
  const node = doc.getIn(path, true);
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}
