/**
 * What a reconciler is given and may answer, and how a controller finds its functions:
 * `./file.js#export` references resolved against the config file's directory (or the working
 * directory for specs given as objects), imported when the controller starts.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../shared/logger.js';
import type { ResourcesClient } from '../client.js';
import type { Resource } from '../model.js';

/** Nothing: converged. `requeue`: again after the key's backoff. `requeueAfterMs`: again after that long (backoff reset). */
export type ReconcileResult = void | undefined | { requeue?: boolean; requeueAfterMs?: number };

export interface ReconcileContext {
  /** The resources API, as this controller's actor (writes are answered once stored). */
  readonly client: ResourcesClient;
  readonly logger: Logger;
  /** The injected clock's time, ms since the epoch. */
  now(): number;
  /** Aborted when the reconcile times out or the controller stops. */
  readonly signal: AbortSignal;
  /** `namespace/name`. */
  readonly key: string;
  /** The controller's actor path. */
  readonly controller: string;
  /** Consecutive failures of this key before this attempt. */
  readonly retries: number;
}

export type Reconcile = (resource: Resource, ctx: ReconcileContext) => ReconcileResult | Promise<ReconcileResult>;

export interface ControllerHandlers {
  reconcile: Reconcile;
  /** Runs when a resource carrying the controller's finalizer is being deleted; answering nothing removes the finalizer. */
  finalize?: Reconcile;
}

/** Imports `ref` (`./file.js#name`) relative to `baseDir`; throws when it is not a function. */
export async function importFunction(ref: string, baseDir: string): Promise<Reconcile> {
  const hash = ref.lastIndexOf('#');
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const name = hash < 0 ? 'default' : ref.slice(hash + 1) || 'default';
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new TypeError(`${path}: export "${name}" is not a function (it is ${fn === undefined ? 'missing' : typeof fn}); exports: ${Object.keys(mod).join(', ') || '(none)'}`);
  return fn as Reconcile;
}

/** Where `./file.js` references of a system's params resolve: beside its config file. */
export function baseDirOf(specSource: string | undefined): string {
  return specSource ? dirname(specSource) : process.cwd();
}
