/**
 * Generated documents (fast-check): trees of workers, supervisors and children mixing both,
 * with mostly valid and sometimes invalid values for every key. The schema and the loader must
 * give the same verdict on each. Left out: what only the loader can judge (unknown behaviour
 * names, duplicate sibling ids, modules that export no logic), which the generator never makes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doc, loaderAccepts, schemaAccepts, validate } from './agreement.js';

/** Mostly one of `good`, now and then one of `bad`. */
const pick = (good: readonly unknown[], bad: readonly unknown[]) =>
  fc.oneof({ weight: 15, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });

const values = {
  restart: pick(['permanent', 'transient', 'temporary'], ['sometimes', 1]),
  shutdown: pick([0, 5000, 'brutal_kill', 'infinity'], [-1, 1.5, 'never', '10']),
  readiness: pick([{}, { mode: 'signal' }, { required: false }, { timeoutMs: 5 }], [{ mode: 'never' }, { required: 'yes' }, { timeoutMs: 0 }, { probe: 1 }, 'x']),
  backoff: pick([{}, { jitter: 0.5 }, { initialMs: 10, maxMs: 100, factor: 3 }], [{ jitter: 2 }, { factor: 0.5 }, { curve: 1 }]),
  behaviour: pick(['persistence', 'notification', 'store', 'cluster', 'gateway', 'control-plane'], ['', 5, null]),
  module: pick(['./behaviours.mjs#worker', './behaviours.mjs'], ['', 7]),
  params: pick(
    [{}, { port: 0 }, { synchronous: 'normal' }, { backend: 'memory' }, { backend: 'local' }, { pageSize: 5 }, { timeoutMs: 10 }, { anything: [1] }],
    [{ port: 'abc' }, { synchronous: 'off' }, { pageSize: 0 }, [], 'x', null],
  ),
  mailbox: pick([{}, { capacity: 1 }, { overflow: 'reject' }], [{ capacity: 0 }, { overflow: 'block' }, { size: 1 }]),
  strategy: pick(['one_for_one', 'one_for_all', 'rest_for_one'], ['one_for_some']),
  start: pick(['sequential', 'parallel'], ['random']),
  intensity: pick([{ maxRestarts: 1, periodMs: 1 }, { maxRestarts: 0, periodMs: 60000 }], [{ maxRestarts: 1 }, { maxRestarts: -1, periodMs: 5 }, {}]),
};
const common = { restart: values.restart, shutdown: values.shutdown, readiness: values.readiness, backoff: values.backoff };
const workerOnly = { params: values.params, mailbox: values.mailbox };
const supervisorOnly = { strategy: values.strategy, start: values.start, intensity: values.intensity };
const optional = { requiredKeys: [] as never[] };

/** A key that does not belong: the other kind's, or nobody's. */
const stray = fc.oneof(
  { weight: 30, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ ...supervisorOnly, ...workerOnly }, optional).map((r) => (Object.keys(r).length > 0 ? r : { colour: 'red' })) },
  { weight: 1, arbitrary: fc.constant({ colour: 'red' }) },
);

/** Which of behaviour / module a worker has: mostly exactly one. */
const workerRef = fc.oneof(
  { weight: 9, arbitrary: values.behaviour.map((behaviour) => ({ behaviour })) },
  { weight: 9, arbitrary: values.module.map((module) => ({ module })) },
  { weight: 1, arbitrary: fc.constant({ behaviour: 'store', module: './behaviours.mjs#worker' }) },
  { weight: 1, arbitrary: fc.constant({}) },
);

/** Mostly a unique valid id (given by position, later); now and then a bad or missing one. */
const idChoice = fc.oneof({ weight: 30, arbitrary: fc.constant('unique') }, { weight: 1, arbitrary: fc.constantFrom('Bad', '1x', '', 5, 'missing') });

type Child = Record<string, unknown>;
const withIds = (list: { id: unknown; child: Child }[]): Child[] =>
  list.map(({ id, child }, i) => (id === 'missing' ? child : { id: id === 'unique' ? `c${i}` : id, ...child }));

const { tree } = fc.letrec<{ tree: Child[]; child: Child }>((tie) => ({
  tree: fc.array(fc.record({ id: idChoice, child: tie('child') }), { maxLength: 3 }).map(withIds),
  child: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(workerRef, fc.record({ ...common, ...workerOnly }, optional), stray).map(([ref, keys, extra]) => ({ ...ref, ...keys, ...extra })),
    fc.tuple(tie('tree'), fc.record({ ...common, ...supervisorOnly }, optional), stray).map(([children, keys, extra]) => ({ ...keys, ...extra, children })),
    fc.tuple(workerRef, tie('tree')).map(([ref, children]) => ({ ...ref, children })),
  ),
}));

const spec = fc.record({ strategy: values.strategy, start: values.start, intensity: values.intensity, backoff: values.backoff, drainMs: pick([0, 10], [-1]) }, optional);

describe('systems/schema.json and the loader on generated documents', () => {
  it('give the same verdict on every one', async () => {
    const verdicts = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(tree, spec, async (children, specKeys) => {
        const document = doc(children, specKeys);
        const schema = schemaAccepts(document);
        const loader = await loaderAccepts(document);
        expect({ schema, loader, errors: schema === loader ? null : validate.errors }).toEqual({ schema: loader, loader, errors: null });
        verdicts[loader ? 'accepted' : 'rejected'] += 1;
      }),
      { numRuns: 400 },
    );
    // both verdicts are common enough that the property says something about each
    expect(verdicts.accepted).toBeGreaterThan(40);
    expect(verdicts.rejected).toBeGreaterThan(40);
  });
});
