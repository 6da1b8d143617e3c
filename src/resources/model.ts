/**
 * The resource model (DESIGN §12): Kubernetes-shaped objects, their keys and the stream each
 * one lives in. Pure data and naming rules, shared by the `resources` actor, the clients,
 * the controllers and the HTTP routes.
 */

/** A resource as stored and served: every metadata field filled in by the store. */
export interface Resource<Spec = Record<string, unknown>, Status = ResourceStatus> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ResourceMetadata;
  readonly spec: Spec;
  readonly status: Status;
}

export interface ResourceMetadata {
  readonly namespace: string;
  readonly name: string;
  /** Fresh for every creation: a resource deleted and created again under its name has a new uid. */
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** 1 at creation; bumped by spec changes and by the start of a deletion, never by status or metadata. */
  readonly generation: number;
  /** The global position of the resource's last event in the event store, as a string. */
  readonly resourceVersion: string;
  readonly creationTimestamp: string;
  /** Set when a deletion waits for finalizers; the resource is gone once they are all removed. */
  readonly deletionTimestamp?: string;
  readonly finalizers: readonly string[];
}

/** `status` is the controllers' own; these two fields are the conventional ones. */
export interface ResourceStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Record<string, unknown>[];
  readonly [field: string]: unknown;
}

/** A kind the `resources` actor serves, as declared in its params. */
export interface KindInfo {
  readonly kind: string;
  readonly plural: string;
  readonly apiVersion: string;
  /** Whether `spec` is checked against a JSON Schema. */
  readonly validated: boolean;
}

export interface ResourceList<Spec = Record<string, unknown>, Status = ResourceStatus> {
  readonly apiVersion: string;
  readonly kind: string;
  /** `resourceVersion`: the store position the list reflects; watch from it to miss nothing. */
  readonly metadata: { readonly resourceVersion: string };
  readonly items: Resource<Spec, Status>[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One change seen by a watch. A BOOKMARK carries only `metadata.resourceVersion`: where to resume from. */
export interface WatchEvent<Spec = Record<string, unknown>, Status = ResourceStatus> {
  readonly type: WatchEventType;
  readonly object: Resource<Spec, Status>;
}

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_API_VERSION = 'overseer/v1';

/** `namespace/name`: a resource's identity within its kind, the workqueue's key. */
export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Each resource has one stream: `res:{Kind}:{namespace}:{name}` (characters the store allows). */
export function streamOf(kind: string, namespace: string, name: string): string {
  return `${STREAM_PREFIX}${kind}:${namespace}:${name}`;
}

export const STREAM_PREFIX = 'res:';

/** The kind, namespace and name of a resource stream, or undefined for any other stream. */
export function parseStream(stream: string): { kind: string; namespace: string; name: string } | undefined {
  if (!stream.startsWith(STREAM_PREFIX)) return undefined;
  const [kind, namespace, name, ...rest] = stream.slice(STREAM_PREFIX.length).split(':');
  if (kind === undefined || namespace === undefined || name === undefined || rest.length > 0) return undefined;
  return { kind, namespace, name };
}

/**
 * Names fit the stream-name budget (200 characters): a kind is a Kubernetes-style type name,
 * a namespace a DNS label, a name a DNS label that may also hold dots (as most Kubernetes
 * names may), each at most 63 characters.
 */
export const NAME_RULES = {
  kind: { pattern: /^[A-Z][A-Za-z0-9]{0,62}$/, text: '1-63 letters and digits, starting with a capital letter (LabInstance)' },
  plural: { pattern: /^[a-z][a-z0-9]{0,62}$/, text: '1-63 lowercase letters and digits (labinstances)' },
  namespace: { pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, text: '1-63 lowercase letters, digits and -, starting and ending with a letter or digit' },
  name: { pattern: /^[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?$/, text: '1-63 lowercase letters, digits, - and ., starting and ending with a letter or digit' },
} as const;
