import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { System } from '../../src/system/system.js';
import { counter, slowStopper, warmup } from '../support/behaviours.js';
import { adminSystem, waitFor } from './harness.js';

let current: System | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The response of draft-inadarei-api-health-check (§3 and §4), closed to the draft's own
 * fields, plus what this endpoint promises: keys are `COMPONENT:MEASUREMENT`, `ready` is
 * observed as a boolean and `restarts` as a count, and `output` accompanies every warn/fail.
 */
const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const status = { enum: ['pass', 'warn', 'fail'] };
const withOutput = {
  if: { properties: { status: { enum: ['warn', 'fail'] } } },
  then: { required: ['output'] },
  else: { not: { required: ['output'] } },
};
const check = (measurement: object) => ({
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['componentId', 'componentType', 'observedValue', 'status', 'time'],
    properties: {
      componentId: { type: 'string' },
      componentType: { anyOf: [{ enum: ['component', 'datastore', 'system'] }, { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$' }] },
      observedValue: {},
      observedUnit: { type: 'string' },
      status,
      affectedEndpoints: { type: 'array', items: { type: 'string' } },
      time: { type: 'string', pattern: ISO_TIME },
      output: { type: 'string', minLength: 1 },
      links: { type: 'object' },
    },
    allOf: [withOutput, measurement],
  },
});
const draftResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'version', 'releaseId', 'checks'],
  properties: {
    status,
    version: { type: 'string' },
    releaseId: { type: 'string' },
    notes: { type: 'array', items: { type: 'string' } },
    output: { type: 'string', minLength: 1 },
    checks: {
      type: 'object',
      propertyNames: { pattern: '^[^:]+:[^:]+$' },
      patternProperties: {
        ':ready$': check({ properties: { observedValue: { type: 'boolean' } }, not: { required: ['observedUnit'] } }),
        ':restarts$': check({ properties: { observedValue: { type: 'integer', minimum: 0 }, observedUnit: { const: 'restarts' } }, required: ['observedUnit'] }),
      },
      additionalProperties: false,
    },
    links: { type: 'object' },
    serviceId: { type: 'string' },
    description: { type: 'string' },
  },
  ...withOutput,
};
const validate = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false }).compile(draftResponse);

async function health(get: (path: string) => Promise<{ status: number; type: string; text: string }>) {
  const res = await get('/health');
  expect(res.type).toBe('application/health+json');
  const body = JSON.parse(res.text) as Record<string, unknown> & { checks: Record<string, Record<string, unknown>[]> };
  expect(validate(body), JSON.stringify(validate.errors, null, 2)).toBe(true);
  const check = (key: string) => body.checks[key]![0]!;
  return { http: res.status, body, check };
}

describe('GET /health (draft-inadarei-api-health-check)', () => {
  it('passes with a ready and a restarts check per actor, the package version and no output', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }], { counter });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    const { http, body, check } = await health(t.get);
    expect(http).toBe(200);
    expect(body).toMatchObject({ status: 'pass', version: version.split('.')[0], releaseId: version, serviceId: 'admin-test' });
    expect(body).not.toHaveProperty('output');
    expect(Object.keys(body.checks)).toEqual(['root/control-plane:ready', 'root/control-plane:restarts', 'root/a:ready', 'root/a:restarts']);
    expect(check('root/a:ready')).toMatchObject({ componentId: 'root/a', componentType: 'component', status: 'pass', observedValue: true });
    expect(check('root/a:restarts')).toMatchObject({ componentId: 'root/a', status: 'pass', observedValue: 0, observedUnit: 'restarts' });
  });

  it('fails with 503 while a required actor is in backoff, saying why in the failing check and at the top', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }], { counter }, { backoff: { initialMs: 1000, maxMs: 1000 } });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    t.system.send('root/a', { type: 'crash' });
    await waitFor(() => t.system.status().children![1]!.status === 'backoff');
    const { http, body, check } = await health(t.get);
    expect(http).toBe(503);
    expect(body.status).toBe('fail');
    expect(check('root/a:ready')).toMatchObject({ status: 'fail', observedValue: false, output: 'not ready (backoff): boom' });
    // the restart is counted when it happens, after the backoff
    expect(check('root/a:restarts')).toMatchObject({ status: 'pass', observedValue: 0 });
    expect(body.output).toBe('root/a:ready: not ready (backoff): boom');
  });

  it('warns with 200 once the actor is back but its restart is still inside the intensity window', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }], { counter }, { backoff: { initialMs: 1000, maxMs: 1000 } });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    t.system.send('root/a', { type: 'crash' });
    await waitFor(() => t.system.status().children![1]!.status === 'backoff');
    await t.clock.advance(1000);
    await waitFor(() => t.system.status().children![1]!.ready);
    const { http, body, check } = await health(t.get);
    expect(http).toBe(200);
    expect(body).toMatchObject({ status: 'warn', output: 'root/a:restarts: 1 restart within the intensity window' });
    expect(check('root/a:ready')).toMatchObject({ status: 'pass', observedValue: true });
  });

  it('warns with 200 for an optional actor that is not ready', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }, { id: 'cold', behaviour: 'warmup', readiness: { required: false } }], { counter, warmup });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    const { http, body, check } = await health(t.get);
    expect(http).toBe(200);
    expect(body).toMatchObject({ status: 'warn', output: 'root/cold:ready: not ready (running)' });
    expect(check('root/cold:ready')).toMatchObject({ status: 'warn', observedValue: false, output: 'not ready (running)' });
  });

  it('fails with 503 while the system is stopping, and says so', async () => {
    const t = await adminSystem([{ id: 'a', behaviour: 'counter' }, { id: 'slow', behaviour: 'slowStopper', shutdown: 5000 }], { counter, slowStopper });
    current = t.system;
    await t.system.ready({ timeoutMs: 2000 });
    const stopping = t.system.stop();
    await waitFor(() => t.system.status().children![2]!.status === 'stopping');
    const { http, body } = await health(t.get);
    expect(http).toBe(503);
    expect(body.status).toBe('fail');
    expect(String(body.output)).toMatch(/^the system is stopping/);
    await t.clock.advance(5000);
    await stopping;
    current = undefined;
  });
});
