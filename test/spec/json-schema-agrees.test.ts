/**
 * systems/schema.json and the loader agree: every config file in systems/ is valid for both,
 * and each document below is rejected (or accepted) by both ajv and loadSpecObject with the
 * built-in behaviours and params, as `overseer check` loads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSpecFile, loadSpecObject } from '../../src/spec/index.js';
import { doc, loaderAccepts, loadOptions, schema, schemaAccepts, systems, validate } from './agreement.js';

const one = (child: Record<string, unknown>) => doc([child]);
const store = (extra: Record<string, unknown>) => one({ id: 'store', behaviour: 'store', ...extra });
const nested = (child: Record<string, unknown>) => one({ id: 'group', children: [child] });

const invalid: [string, unknown][] = [
  // the four the schema used to accept
  ['a child with both behaviour and children', one({ id: 'x', behaviour: 'store', children: [] })],
  ['a child with neither behaviour, module nor children', one({ id: 'x' })],
  ['params on a supervisor', one({ id: 'x', params: {}, children: [{ id: 'y', behaviour: 'store' }] })],
  ['gateway params.port "abc"', one({ id: 'gateway', behaviour: 'gateway', params: { port: 'abc' } })],
  // worker vs supervisor keys
  ['both behaviour and module', store({ module: './behaviours.mjs#worker' })],
  ['module and children', one({ id: 'x', module: './behaviours.mjs#worker', children: [] })],
  ['mailbox on a supervisor', one({ id: 'x', mailbox: { capacity: 5 }, children: [] })],
  ['strategy on a worker', store({ strategy: 'one_for_all' })],
  ['start on a worker', store({ start: 'parallel' })],
  ['intensity on a worker', store({ intensity: { maxRestarts: 1, periodMs: 1000 } })],
  ['an empty behaviour name', one({ id: 'x', behaviour: '' })],
  ['a behaviour that is not a string', one({ id: 'x', behaviour: 5 })],
  ['an empty module reference', one({ id: 'x', module: '' })],
  ['params that are not an object', one({ id: 'x', module: './behaviours.mjs#worker', params: [1, 2] })],
  ['a bad child deep in a nested supervisor', one({ id: 'a', children: [{ id: 'b', children: [{ id: 'c', behaviour: 'store', children: [] }] }] })],
  // unknown keys
  ['an unknown key on a worker', store({ colour: 'red' })],
  ['an unknown key on a supervisor', one({ id: 'g', children: [], colour: 'red' })],
  ['an unknown top-level key', { ...doc([]), extra: 1 }],
  ['an unknown key in spec', doc([], { colour: 'red' })],
  ['an unknown key in metadata', { ...doc([]), metadata: { name: 't', labels: {} } }],
  ['an unknown key in admin', doc([], { admin: { host: 'x', tls: true } })],
  ['an unknown key in intensity', doc([], { intensity: { maxRestarts: 1, periodMs: 1, burst: 2 } })],
  ['an unknown key in backoff', store({ backoff: { initialMs: 1, curve: 'linear' } })],
  ['an unknown key in readiness', store({ readiness: { probe: '/x' } })],
  ['an unknown key in mailbox', store({ mailbox: { size: 1 } })],
  ['an unknown key in persistence params', one({ id: 'p', behaviour: 'persistence', params: { fsync: true } })],
  ['an unknown key in cluster params', one({ id: 'c', behaviour: 'cluster', params: { peers: [] } })],
  // bad enums
  ['restart: sometimes', store({ restart: 'sometimes' })],
  ['strategy: one_for_some', doc([], { strategy: 'one_for_some' })],
  ['a nested strategy: one_for_some', one({ id: 'g', strategy: 'one_for_some', children: [] })],
  ['start: random', doc([], { start: 'random' })],
  ['readiness.mode: never', store({ readiness: { mode: 'never' } })],
  ['mailbox.overflow: block', store({ mailbox: { overflow: 'block' } })],
  ['persistence synchronous: off', one({ id: 'p', behaviour: 'persistence', params: { synchronous: 'off' } })],
  ['persistence backend: mysql', one({ id: 'p', behaviour: 'persistence', params: { backend: 'mysql' } })],
  ['cluster backend: etcd', one({ id: 'c', behaviour: 'cluster', params: { backend: 'etcd' } })],
  // bad shutdown
  ['shutdown: -1', store({ shutdown: -1 })],
  ['shutdown: 1.5', store({ shutdown: 1.5 })],
  ['shutdown: never', store({ shutdown: 'never' })],
  ['shutdown: "5000" (a string)', store({ shutdown: '5000' })],
  ['a supervisor shutdown: forever', one({ id: 'g', shutdown: 'forever', children: [] })],
  // bad ids
  ['id: Store (upper case)', one({ id: 'Store', behaviour: 'store' })],
  ['id: 1st (a digit first)', one({ id: '1st', behaviour: 'store' })],
  ['id: a_b (an underscore)', one({ id: 'a_b', behaviour: 'store' })],
  ['id: "" (empty)', one({ id: '', behaviour: 'store' })],
  ['no id', one({ behaviour: 'store' })],
  ['a bad id in a nested supervisor', nested({ id: 'No', behaviour: 'store' })],
  // numbers out of range, wrong types
  ['admin.port 70000', doc([], { admin: { port: 70000 } })],
  ['intensity without periodMs', doc([], { intensity: { maxRestarts: 3 } })],
  ['intensity.periodMs 0', one({ id: 'g', intensity: { maxRestarts: 3, periodMs: 0 }, children: [] })],
  ['backoff.jitter 2', store({ backoff: { jitter: 2 } })],
  ['backoff.factor 0.5', store({ backoff: { factor: 0.5 } })],
  ['readiness.timeoutMs 0', store({ readiness: { timeoutMs: 0 } })],
  ['readiness.required "yes"', store({ readiness: { required: 'yes' } })],
  ['mailbox.capacity 0', store({ mailbox: { capacity: 0 } })],
  ['stopTimeoutMs 0', doc([], { stopTimeoutMs: 0 })],
  ['drainMs -1', doc([], { drainMs: -1 })],
  ['notification pageSize 0', one({ id: 'n', behaviour: 'notification', params: { pageSize: 0 } })],
  ['store timeoutMs "5"', store({ params: { timeoutMs: '5' } })],
  ['persistence maxBatch 1e6', one({ id: 'p', behaviour: 'persistence', params: { maxBatch: 1_000_000 } })],
  ['gateway bodyLimit 10', one({ id: 'gw', behaviour: 'gateway', params: { bodyLimit: 10 } })],
  // the document itself
  ['apiVersion overseer/v2', { ...doc([]), apiVersion: 'overseer/v2' }],
  ['kind Cluster', { ...doc([]), kind: 'Cluster' }],
  ['an empty metadata.name', { ...doc([]), metadata: { name: '' } }],
  ['no spec.children', { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 't' }, spec: {} }],
  ['children that is not a list', doc({ id: 'x', behaviour: 'store' })],
  ['a child that is not an object', doc(['store'])],
];

const valid: [string, unknown][] = [
  ['no children', doc([])],
  ['every built-in with default params', doc(['persistence', 'notification', 'store', 'cluster', 'gateway'].map((b) => ({ id: b, behaviour: b })))],
  ['the control plane declared to tune it', one({ id: 'control-plane', behaviour: 'control-plane', mailbox: { capacity: 10 } })],
  [
    'every built-in param given',
    doc([
      { id: 'persistence', behaviour: 'persistence', params: { backend: 'memory', file: 'x.db', synchronous: 'normal', maxBatch: 10 } },
      { id: 'notification', behaviour: 'notification', params: { persistence: 'persistence', pageSize: 10, timeoutMs: 100 } },
      { id: 'store', behaviour: 'store', params: { persistence: 'persistence', timeoutMs: 100 } },
      { id: 'cluster', behaviour: 'cluster', params: { backend: 'local' } },
      { id: 'gateway', behaviour: 'gateway', params: { host: '0.0.0.0', port: 0, bodyLimit: 2048, requestTimeoutMs: 1, keepAliveMs: 100, subscriptionBuffer: 1, store: 's', notification: 'n', cluster: 'c' } },
    ]),
  ],
  ['a module worker with any params', one({ id: 'w', module: './behaviours.mjs#worker', params: { anything: [1, { deep: true }] } })],
  ['a module worker with the default export', one({ id: 'w', module: './behaviours.mjs' })],
  [
    'a worker with every worker key',
    store({ params: {}, restart: 'transient', shutdown: 0, readiness: { mode: 'signal', required: false, timeoutMs: 1 }, mailbox: { capacity: 1, overflow: 'reject' }, backoff: { initialMs: 0, maxMs: 0, factor: 1, jitter: 1, resetAfterMs: 0 } }),
  ],
  ['shutdown brutal_kill', store({ shutdown: 'brutal_kill' })],
  ['shutdown infinity', store({ shutdown: 'infinity' })],
  [
    'a supervisor with every supervisor key',
    one({ id: 'g', strategy: 'rest_for_one', start: 'parallel', intensity: { maxRestarts: 0, periodMs: 1 }, backoff: {}, restart: 'temporary', shutdown: 100, readiness: { required: true }, children: [] }),
  ],
  ['three levels of supervisors', one({ id: 'a', children: [{ id: 'b', children: [{ id: 'c', children: [{ id: 'd', behaviour: 'store' }] }] }] })],
  [
    'every spec key',
    doc([], { node: 'n1', admin: { host: '::1', port: 65535 }, dataDir: '/tmp/x', stopTimeoutMs: 1, drainMs: 0, strategy: 'one_for_all', start: 'sequential', intensity: { maxRestarts: 1, periodMs: 1 }, backoff: { jitter: 0 } }),
  ],
];

describe('systems/schema.json agrees with the loader', () => {
  const files = readdirSync(systems).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'schema.json');

  it.each(files)('systems/%s is valid for the schema and the loader, and names the schema on its first line', async (file) => {
    const text = readFileSync(`${systems}${file}`, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    expect(schemaAccepts(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    await expect(loadSpecFile(`${systems}${file}`, loadOptions)).resolves.toBeDefined();
  });

  it.each(invalid)('rejects %s (both)', async (_name, document) => {
    expect({ schema: schemaAccepts(document), loader: await loaderAccepts(document) }).toEqual({ schema: false, loader: false });
  });

  it.each(valid)('accepts %s (both)', async (_name, document) => {
    const schema = schemaAccepts(document);
    expect({ schema, loader: await loaderAccepts(document), errors: schema ? null : validate.errors }).toEqual({ schema: true, loader: true, errors: null });
  });

  it('known limit: an unknown behaviour name or duplicate sibling ids pass the schema; only the loader rejects them', async () => {
    for (const document of [store({ behaviour: 'nope' }), doc([{ id: 'a', behaviour: 'store' }, { id: 'a', behaviour: 'cluster' }])]) {
      expect({ schema: schemaAccepts(document), loader: await loaderAccepts(document) }).toEqual({ schema: true, loader: false });
    }
  });
});

type Node = { [key: string]: unknown; properties?: Record<string, Node>; $ref?: string; description?: string; default?: unknown };
const defs = (schema as { $defs: Record<string, Node> }).$defs;
const deref = (node: Node): Node => (node.$ref ? defs[node.$ref.replace('#/$defs/', '')]! : node);
const prop = (node: Node, ...keys: string[]): Node => keys.reduce((n, k) => deref(n).properties![k]!, node);

describe('systems/schema.json documents every key', () => {
  it('has named definitions, no generated ones', () => {
    expect(Object.keys(defs).sort()).toEqual(
      ['autoShutdown', 'backoff', 'child', 'clusterParams', 'controllerParams', 'gatewayParams', 'id', 'intensity', 'mailbox', 'notificationParams', 'persistenceParams', 'placement', 'readiness', 'resourcesParams', 'restart', 'shutdown', 'start', 'storeParams', 'strategy', 'supervisor', 'worker', 'workflow-workerParams', 'workflowsParams'].sort(),
    );
  });

  it('describes every key, on the key or on the definition it refers to', () => {
    const missing: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const { properties } = node as Node;
      for (const [key, value] of Object.entries(properties ?? {})) {
        if (!value.description && !deref(value).description) missing.push(`${at}.${key}`);
      }
      // an `if` only tests keys declared (and described) beside it
      for (const [key, value] of Object.entries(node)) if (key !== 'if') visit(value, `${at}.${key}`);
    };
    visit(schema, '#');
    expect(missing).toEqual([]);
  });

  it("gives the loader's defaults", async () => {
    const { spec } = await loadSpecObject(doc([{ id: 'w', behaviour: 'store', backoff: {} }, { id: 'g', children: [] }]), { ...loadOptions, baseDir: systems });
    const root = schema as Node;
    const [worker, supervisor] = spec.root.children as unknown as [Record<string, Record<string, unknown>>, Record<string, unknown>];
    expect(spec.admin).toEqual({ host: prop(root, 'spec', 'admin', 'host').default, port: prop(root, 'spec', 'admin', 'port').default, allowedHosts: prop(root, 'spec', 'admin', 'allowedHosts').default });
    expect(spec.dataDir).toBe(join(systems, String(prop(root, 'spec', 'dataDir').default)));
    for (const key of ['stopTimeoutMs', 'drainMs'] as const) expect(spec[key]).toBe(prop(root, 'spec', key).default);
    expect(spec.root).toMatchObject({ strategy: prop(root, 'spec', 'strategy').default, start: prop(root, 'spec', 'start').default, intensity: defs.intensity!.default });
    for (const key of ['restart', 'shutdown']) expect(worker[key]).toBe(prop(defs.worker!, key).default);
    for (const key of ['capacity', 'overflow']) expect(worker.mailbox![key]).toBe(prop(defs.mailbox!, key).default);
    for (const key of ['mode', 'timeoutMs']) expect(worker.readiness![key]).toBe(prop(defs.readiness!, key).default);
    for (const key of Object.keys(defs.backoff!.properties!)) expect(worker.backoff![key]).toBe(prop(defs.backoff!, key).default);
    for (const key of ['restart', 'shutdown', 'strategy', 'start']) expect(supervisor[key]).toBe(prop(defs.supervisor!, key).default);
    expect(supervisor.intensity).toEqual(defs.intensity!.default);
  });
});
