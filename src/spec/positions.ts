/**
 * Source positions for config paths: parses YAML (JSON too, it is valid YAML) keeping a
 * LineCounter, and maps a path like ['spec', 'children', 0, 'restart'] to LINE:COL of the
 * value, of the key (for unknown keys), or of the nearest existing ancestor.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type ConfigPath = readonly (string | number)[];

export interface SourceDoc {
  value: unknown;
  /** 1-based line and column for a path; `key` points at the key instead of the value. */
  locate(path: ConfigPath, key?: boolean): { line: number; col: number };
  syntaxErrors: { line: number; col: number; message: string }[];
}

export function parseSource(text: string): SourceDoc {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number) => lineCounter.linePos(offset);
  const syntaxErrors = doc.errors.map((e) => ({ ...pos(e.pos[0]), message: e.message.split('\n')[0]! }));
  return {
    value: doc.errors.length === 0 ? doc.toJS() : undefined,
    syntaxErrors,
    locate(path, key = false) {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = nodeAt(doc, path.slice(0, depth), key && depth === path.length);
        if (node?.range) return pos(node.range[0]);
      }
      return { line: 1, col: 1 };
    },
  };
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
