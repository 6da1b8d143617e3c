/**
 * `when`/`with` expressions: JSONata (the language AWS Step Functions adopted), compiled once
 * when a playbook loads. JSONata is an interpreter over JSON: no `eval`, no `Function`, no
 * access to Node (no require, process, file system); every evaluation is also bounded in time,
 * recursion depth and sequence length, so a playbook cannot hang or exhaust the server.
 * Templates: any JSON value whose strings written `{% expr %}` are replaced by their values.
 */
import jsonata from 'jsonata';

/** Bounds of one evaluation (jsonata's own options): an infinite loop fails with D1012, not a hang. */
export const EXPRESSION_LIMITS = Object.freeze({ timeoutMs: 1000, stack: 500, sequence: 100_000 });

export interface Expression {
  readonly source: string;
  /** The value as plain JSON (JSONata sequences become arrays; functions are dropped); rejects with ExpressionError. */
  evaluate(context: object): Promise<unknown>;
}

export type Template =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'expression'; readonly expression: Expression }
  | { readonly kind: 'array'; readonly items: readonly Template[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Template])[] };

/** An expression that failed to compile or to evaluate: JSONata's code (S0201, T2001, D1012…) and position. */
export class ExpressionError extends Error {
  constructor(
    readonly source: string,
    message: string,
    readonly jsonataCode?: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

const DELIMITED = /^\s*\{%([\s\S]*)%\}\s*$/;

const describe = (error: unknown): { message: string; code?: string; position?: number } => {
  const e = error as { message?: string; code?: string; position?: number };
  return { message: String(e.message ?? error), code: e.code, position: typeof e.position === 'number' ? e.position : undefined };
};

/** JSONata functions (lambdas, natives) are objects holding their environment: never data. */
const isFunctionValue = (v: unknown): boolean =>
  typeof v === 'function' || (typeof v === 'object' && v !== null && ((v as { _jsonata_lambda?: unknown })._jsonata_lambda === true || (v as { _jsonata_function?: unknown })._jsonata_function === true));

/** Plain JSON: what can be stored in an event. undefined stays undefined (no match); functions are dropped. */
function toJson(value: unknown): unknown {
  if (value === undefined || isFunctionValue(value)) return undefined;
  if (value === null || typeof value !== 'object') return Number.isFinite(value) || typeof value !== 'number' ? value : null;
  const text = JSON.stringify(value, (_key, v: unknown) => (isFunctionValue(v) ? undefined : v));
  return text === undefined ? undefined : JSON.parse(text);
}

/** Compiles `source` (a `{% %}` wrapper is allowed and removed); throws ExpressionError for a syntax error. */
export function compileExpression(source: string): Expression {
  const body = DELIMITED.exec(source)?.[1] ?? source;
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(body, { timeout: EXPRESSION_LIMITS.timeoutMs, stack: EXPRESSION_LIMITS.stack, sequence: EXPRESSION_LIMITS.sequence });
  } catch (error) {
    const d = describe(error);
    throw new ExpressionError(source, `syntax error${d.position !== undefined ? ` at character ${d.position}` : ''}: ${d.message}`, d.code, d.position);
  }
  return {
    source,
    async evaluate(context) {
      try {
        return toJson(await compiled.evaluate(context));
      } catch (error) {
        const d = describe(error);
        throw new ExpressionError(source, d.message, d.code, d.position);
      }
    },
  };
}

/** Compiles every `{% %}` string of `value`; throws ExpressionError (with `path`) at the first bad one. */
export function compileTemplate(value: unknown, path: (string | number)[] = []): Template {
  if (typeof value === 'string') {
    if (!DELIMITED.test(value)) return { kind: 'literal', value };
    try {
      return { kind: 'expression', expression: compileExpression(value) };
    } catch (error) {
      throw Object.assign(error as ExpressionError, { path });
    }
  }
  if (Array.isArray(value)) return { kind: 'array', items: value.map((v, i) => compileTemplate(v, [...path, i])) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, compileTemplate(v, [...path, k])] as const) };
  }
  return { kind: 'literal', value };
}

/** Whether a template has no expression in it (its value is known without evaluating). */
export function isLiteral(template: Template): boolean {
  if (template.kind === 'literal') return true;
  if (template.kind === 'expression') return false;
  return template.kind === 'array' ? template.items.every(isLiteral) : template.entries.every(([, t]) => isLiteral(t));
}

/** The template's value in `context`; rejects with the first ExpressionError. */
export async function renderTemplate(template: Template, context: object): Promise<unknown> {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expression':
      return template.expression.evaluate(context);
    case 'array':
      return Promise.all(template.items.map((t) => renderTemplate(t, context)));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, t] of template.entries) {
        const v = await renderTemplate(t, context);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}

/** JSONata's boolean casting ($boolean): false, 0, "", null, nothing, [] and {} are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (typeof value === 'number') return !Number.isNaN(value);
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
