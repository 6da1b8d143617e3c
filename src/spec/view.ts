/**
 * A tolerant view of the raw `spec.children` tree, readable even when the schema failed: which
 * keys each child has, and only those values the rules and module checks need that are of the
 * right type. A malformed value is left out (the schema problem already names it).
 */
export interface ChildView {
  /** Every key the child has (value not undefined), well-formed or not. */
  readonly keys: ReadonlySet<string>;
  /** Present only when a string. */
  readonly id?: string;
  /** Present only when a non-empty string (as the schema requires). */
  readonly behaviour?: string;
  readonly module?: string;
  /** Present only when a plain object. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Present only when an array; indices are kept, an entry that is not an object is undefined. */
  readonly children?: ChildrenView;
  /** Present only when an array; indices are kept, an entry that is not a non-empty string is undefined. */
  readonly inputs?: readonly (string | undefined)[];
  /** Present only when of the right type. */
  readonly restart?: string;
  readonly significant?: boolean;
  readonly autoShutdown?: string;
  readonly placement?: string;
  /** `readiness.required`, when a boolean. */
  readonly readinessRequired?: boolean;
}

export type ChildrenView = readonly (ChildView | undefined)[];

type PlainObject = Record<string, unknown>;

const isObject = (v: unknown): v is PlainObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The view of `raw.spec.children`, or undefined when there is no such array. */
export function childrenView(raw: unknown): ChildrenView | undefined {
  const spec = isObject(raw) ? raw.spec : undefined;
  return isObject(spec) ? listView(spec.children) : undefined;
}

function listView(value: unknown): ChildrenView | undefined {
  return Array.isArray(value) ? value.map((c: unknown) => (isObject(c) ? childView(c) : undefined)) : undefined;
}

function childView(c: PlainObject): ChildView {
  const view: { -readonly [K in keyof ChildView]: ChildView[K] } = { keys: new Set(Object.keys(c).filter((k) => c[k] !== undefined)) };
  if (typeof c.id === 'string') view.id = c.id;
  const behaviour = nonEmpty(c.behaviour);
  if (behaviour !== undefined) view.behaviour = behaviour;
  const module = nonEmpty(c.module);
  if (module !== undefined) view.module = module;
  if (isObject(c.params)) view.params = c.params;
  const children = listView(c.children);
  if (children) view.children = children;
  if (Array.isArray(c.inputs)) view.inputs = c.inputs.map(nonEmpty);
  if (typeof c.restart === 'string') view.restart = c.restart;
  if (typeof c.significant === 'boolean') view.significant = c.significant;
  if (typeof c.autoShutdown === 'string') view.autoShutdown = c.autoShutdown;
  if (typeof c.placement === 'string') view.placement = c.placement;
  const required = isObject(c.readiness) ? c.readiness.required : undefined;
  if (typeof required === 'boolean') view.readinessRequired = required;
  return view;
}
