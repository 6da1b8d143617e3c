/**
 * What a client sends, checked once at the boundary: the body of a create, an update or a
 * status write becomes plain, trusted data (`Desired`), or InvalidResourceError listing every
 * problem with its JSON pointer. Server-managed metadata may be echoed back (a GET, edited,
 * then PUT) and is ignored; `resourceVersion` is the write's precondition.
 */
import { jsonCharsChecked, EVENT_LIMITS } from '../eventstore/json-bounds.js';
import { InvalidStoreRequestError } from '../eventstore/errors.js';
import { InvalidResourceError, type ResourceProblem } from './errors.js';
import { frozenCopy, isPlainObject } from './json.js';
import { labelKeyProblem, labelValueProblem } from './labels.js';
import { NAME_RULES, DEFAULT_NAMESPACE } from './model.js';
import { escapePointer, type SpecValidator } from './spec-schema.js';

/** A kind as the validator needs it. */
export interface KindRules {
  readonly kind: string;
  readonly apiVersion: string;
  readonly validateSpec?: SpecValidator;
}

/** The client-owned parts of a resource, checked. */
export interface Desired {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly finalizers: string[];
  readonly spec: Record<string, unknown>;
  /** The write's precondition, when the client gave one. */
  readonly resourceVersion?: string;
  /** When given, it must be the resource's uid (a PUT of an object deleted and created again is refused). */
  readonly uid?: string;
}

const TOP_KEYS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const CLIENT_METADATA = new Set(['name', 'namespace', 'labels', 'annotations', 'finalizers', 'resourceVersion', 'uid']);
const SERVER_METADATA = new Set(['generation', 'creationTimestamp', 'deletionTimestamp']);
/** Annotations together, keys and values, as Kubernetes bounds them. */
const ANNOTATIONS_MAX_CHARS = 256 * 1024;
const RESOURCE_VERSION = /^(0|[1-9]\d{0,14})$/;

class Problems {
  readonly list: ResourceProblem[] = [];
  add(pointer: string, message: string): void {
    this.list.push({ pointer, message });
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new InvalidResourceError(this.list);
  }
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 100)}`);

function stringMap(value: unknown, pointer: string, problems: Problems, checkValue: (v: string) => string | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    problems.add(pointer, `expected an object of strings, got ${describe(value)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const at = `${pointer}/${escapePointer(k)}`;
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) problems.add(at, `invalid key ${keyProblem}`);
    if (typeof v !== 'string') problems.add(at, `expected a string, got ${describe(v)}`);
    else {
      const valueProblem = checkValue(v);
      if (valueProblem) problems.add(at, `invalid value ${valueProblem}`);
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

function finalizerList(value: unknown, problems: Problems): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.add('/metadata/finalizers', `expected an array of strings, got ${describe(value)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((f, i) => {
    if (typeof f !== 'string') return problems.add(`/metadata/finalizers/${i}`, `expected a string, got ${describe(f)}`);
    const problem = labelKeyProblem(f);
    if (problem) return problems.add(`/metadata/finalizers/${i}`, `invalid finalizer ${problem}`);
    if (out.includes(f)) return problems.add(`/metadata/finalizers/${i}`, `"${f}" is listed twice`);
    out.push(f);
  });
  return out;
}

function nameField(value: unknown, pointer: string, rule: (typeof NAME_RULES)['name' | 'namespace'], problems: Problems): string | undefined {
  if (typeof value !== 'string') {
    problems.add(pointer, value === undefined ? 'required' : `expected a string, got ${describe(value)}`);
    return undefined;
  }
  if (!rule.pattern.test(value)) problems.add(pointer, `${JSON.stringify(value.slice(0, 100))}: use ${rule.text}`);
  return value;
}

/** A JSON value that the store can hold: bounded nesting, finite numbers, plain data. */
function checkJson(value: unknown, pointer: string, problems: Problems): void {
  try {
    // The event wraps the resource in { object: { spec } }: three levels of the store's bound.
    const chars = jsonCharsChecked(value, pointer.slice(1), EVENT_LIMITS.eventChars, EVENT_LIMITS.depth - 4);
    if (chars > EVENT_LIMITS.eventChars) problems.add(pointer, `more than ${EVENT_LIMITS.eventChars} characters of JSON, the most one resource may carry`);
  } catch (error) {
    if (!(error instanceof InvalidStoreRequestError)) throw error;
    problems.add(pointer, error.message);
  }
}

/** The envelope every body shares: an object, known top-level keys, matching apiVersion and kind. */
function envelope(body: unknown, rules: KindRules, problems: Problems): Record<string, unknown> {
  if (!isPlainObject(body)) {
    problems.add('', `expected a JSON object (a ${rules.kind}), got ${describe(body)}`);
    problems.throwIfAny();
  }
  const object = body as Record<string, unknown>;
  for (const key of Object.keys(object)) if (!TOP_KEYS.has(key)) problems.add(`/${escapePointer(key)}`, 'unknown field; expected apiVersion, kind, metadata, spec, status');
  if (object.apiVersion !== undefined && object.apiVersion !== rules.apiVersion) problems.add('/apiVersion', `expected "${rules.apiVersion}" (or nothing), got ${describe(object.apiVersion)}`);
  if (object.kind !== undefined && object.kind !== rules.kind) problems.add('/kind', `expected "${rules.kind}" (or nothing), got ${describe(object.kind)}`);
  return object;
}

function metadataOf(object: Record<string, unknown>, problems: Problems): Record<string, unknown> {
  const metadata = object.metadata;
  if (metadata === undefined) return {};
  if (!isPlainObject(metadata)) {
    problems.add('/metadata', `expected an object, got ${describe(metadata)}`);
    return {};
  }
  for (const key of Object.keys(metadata)) {
    if (!CLIENT_METADATA.has(key) && !SERVER_METADATA.has(key)) problems.add(`/metadata/${escapePointer(key)}`, `unknown field; expected ${[...CLIENT_METADATA].join(', ')}`);
  }
  return metadata;
}

function resourceVersionOf(metadata: Record<string, unknown>, problems: Problems): string | undefined {
  const rv = metadata.resourceVersion;
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (typeof rv !== 'string' || !RESOURCE_VERSION.test(rv)) {
    problems.add('/metadata/resourceVersion', `expected a resourceVersion as read from the store (a string of digits), got ${describe(rv)}`);
    return undefined;
  }
  return rv;
}

/**
 * A create, or a full update (PUT) when `at` names the resource in the URL: the body's
 * namespace and name, when given, must be those. Throws InvalidResourceError.
 */
export function checkDesired(body: unknown, rules: KindRules, mode: 'create' | 'update', at?: { namespace: string; name: string }): Desired {
  const problems = new Problems();
  const object = envelope(body, rules, problems);
  const metadata = metadataOf(object, problems);
  const namespace = metadata.namespace === undefined ? (at?.namespace ?? DEFAULT_NAMESPACE) : nameField(metadata.namespace, '/metadata/namespace', NAME_RULES.namespace, problems);
  const name = metadata.name === undefined && at ? at.name : nameField(metadata.name, '/metadata/name', NAME_RULES.name, problems);
  if (at && namespace !== undefined && namespace !== at.namespace) problems.add('/metadata/namespace', `"${namespace}" is not the namespace in the URL ("${at.namespace}")`);
  if (at && name !== undefined && name !== at.name) problems.add('/metadata/name', `"${name}" is not the name in the URL ("${at.name}")`);
  const labels = stringMap(metadata.labels, '/metadata/labels', problems, labelValueProblem);
  const annotations = stringMap(metadata.annotations, '/metadata/annotations', problems, () => undefined);
  const annotationChars = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (annotationChars > ANNOTATIONS_MAX_CHARS) problems.add('/metadata/annotations', `${annotationChars} characters in all; at most ${ANNOTATIONS_MAX_CHARS}`);
  const finalizers = finalizerList(metadata.finalizers, problems);
  const resourceVersion = resourceVersionOf(metadata, problems);
  if (mode === 'create' && resourceVersion !== undefined) problems.add('/metadata/resourceVersion', 'must not be set on a resource to be created');
  let uid: string | undefined;
  if (metadata.uid !== undefined && mode === 'update') {
    if (typeof metadata.uid !== 'string') problems.add('/metadata/uid', `expected a string, got ${describe(metadata.uid)}`);
    else uid = metadata.uid;
  }
  const spec = object.spec === undefined || object.spec === null ? {} : object.spec;
  if (!isPlainObject(spec)) problems.add('/spec', `expected an object, got ${describe(spec)}`);
  else {
    checkJson(spec, '/spec', problems);
    if (problems.list.length === 0 && rules.validateSpec) for (const p of rules.validateSpec(spec)) problems.add(p.pointer, p.message);
  }
  problems.throwIfAny();
  // A copy: what is stored must not change when the caller later changes its own object.
  return { namespace: namespace!, name: name!, labels, annotations, finalizers, spec: frozenCopy(spec as Record<string, unknown>), resourceVersion, uid };
}

/** A status write: only `status` (an object) and the precondition are read; the rest must name this resource. */
export function checkStatus(body: unknown, rules: KindRules, at: { namespace: string; name: string }): { status: Record<string, unknown>; resourceVersion?: string } {
  const problems = new Problems();
  const object = envelope(body, rules, problems);
  const metadata = metadataOf(object, problems);
  if (metadata.namespace !== undefined && metadata.namespace !== at.namespace) problems.add('/metadata/namespace', `expected "${at.namespace}", the namespace in the URL`);
  if (metadata.name !== undefined && metadata.name !== at.name) problems.add('/metadata/name', `expected "${at.name}", the name in the URL`);
  const resourceVersion = resourceVersionOf(metadata, problems);
  const status = object.status ?? {};
  if (!isPlainObject(status)) problems.add('/status', `expected an object, got ${describe(status)}`);
  else checkJson(status, '/status', problems);
  problems.throwIfAny();
  return { status: frozenCopy(status as Record<string, unknown>), resourceVersion };
}

/** A merge patch must be an object (RFC 7386 would replace the whole resource otherwise). */
export function checkPatch(patch: unknown): Record<string, unknown> {
  if (!isPlainObject(patch)) throw new InvalidResourceError([{ pointer: '', message: `a merge patch is a JSON object, got ${describe(patch)}` }]);
  return patch;
}

/** A resourceVersion given apart from a body (a DELETE precondition). */
export function checkResourceVersion(rv: unknown): string | undefined {
  const problems = new Problems();
  const out = resourceVersionOf({ resourceVersion: rv }, problems);
  problems.throwIfAny();
  return out;
}
