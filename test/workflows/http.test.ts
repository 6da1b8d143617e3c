/** The workflows API on the gateway: executions created, read, followed over SSE and cancelled; every mistake a problem+json, never a 500. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/eventstore/errors.js';
import { UnknownActorError } from '../../src/shared/errors.js';
import { workflowProblem } from '../../src/workflows/http/problems.js';
import { startStoreSystem } from '../support/eventstore.js';
import { PLAYBOOKS, workflowSystems } from './harness.js';

const start = workflowSystems();
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Reads an SSE response to its end: data frames and the final event name. */
async function sse(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  const text = await res.text();
  const frames = text.split('\n\n').filter((f) => f.includes('data:') || f.includes('event:'));
  const data = frames.filter((f) => !f.includes('event:')).map((f) => JSON.parse(f.split('\n').find((l) => l.startsWith('data:'))!.slice(5)) as { type: string; position: number });
  const end = frames.find((f) => f.includes('event: end'));
  return { status: res.status, data, end: end ? JSON.parse(end.split('\n').find((l) => l.startsWith('data:'))!.slice(5)) : undefined };
}

describe('HTTP: /api/v1/executions', () => {
  it('POST runs a playbook by name (201 { executionId }, Location); GET answers its status, result and steps', async () => {
    const { url, settled } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'linear.yaml')] });
    const created = await call(`${url}/api/v1/executions`, json({ playbook: 'linear', workload: {} }));
    expect(created.status).toBe(201);
    const id = created.body.executionId as string;
    expect(created.headers.get('location')).toBe(`/api/v1/executions/${id}`);
    await settled(id);
    const got = await call(`${url}/api/v1/executions/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ executionId: id, status: 'completed', result: { value: 49 }, steps: [{ step: 'double' }, { step: 'increment' }, { step: 'square' }] });
    const again = await call(`${url}/api/v1/executions`, json({ playbook: 'linear', executionId: id }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ executionId: id, created: false });
  });

  it('GET …/events streams the log (catch-up then live) and ends with event: end; Last-Event-ID resumes after it', async () => {
    const { url, settled } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'fanout.yaml')] });
    const { body } = await call(`${url}/api/v1/executions`, json({ playbook: 'fanout' }));
    const id = body.executionId as string;
    const live = await sse(`${url}/api/v1/executions/${id}/events`);
    expect(live.status).toBe(200);
    expect(live.data.at(-1)!.type).toBe('execution_completed');
    expect(live.data[0]!.type).toBe('execution_started');
    expect(live.end).toEqual({ executionId: id, status: 'completed' });
    await settled(id);
    const resumed = await sse(`${url}/api/v1/executions/${id}/events`, { 'last-event-id': String(live.data[3]!.position) });
    expect(resumed.data.map((e) => e.position)).toEqual(live.data.slice(4).map((e) => e.position));
    const after = await sse(`${url}/api/v1/executions/${id}/events`, { 'last-event-id': String(live.data.at(-1)!.position) });
    expect(after).toMatchObject({ status: 200, data: [], end: { status: 'completed' } });
  });

  it('POST …/cancel cancels a running execution; a finished one answers 409 execution_finished', async () => {
    let started = false;
    const { url } = await start({
      gateway: true,
      playbooks: [{ apiVersion: 'overseer/v1', kind: 'Playbook', metadata: { name: 'hold' }, spec: { workflow: [{ step: 'start', type: 'start', next: [{ step: 'h' }] }, { step: 'h', run: 'hold', next: [{ step: 'end' }] }, { step: 'end', type: 'end' }] } }],
      handlers: { hold: (_i, ctx) => ((started = true), new Promise((done) => ctx.signal.addEventListener('abort', () => done(null)))) },
    });
    const id = (await call(`${url}/api/v1/executions`, json({ playbook: 'hold' }))).body.executionId as string;
    while (!started) await new Promise((r) => setImmediate(r));
    const cancelled = await call(`${url}/api/v1/executions/${id}/cancel`, json({ reason: 'test' }));
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', reason: 'test' } });
    const twice = await call(`${url}/api/v1/executions/${id}/cancel`, { method: 'POST' });
    expect(twice).toMatchObject({ status: 409, type: expect.stringMatching(/^application\/problem\+json/), body: { type: 'urn:overseer:problem:execution_finished', status: 409, executionId: id, executionStatus: 'cancelled' } });
  });

  it('answers client mistakes with problem+json and stays ready: bad workload 400, unknown playbook 404, unknown execution 404, 405, bad bodies 400', async () => {
    const { url, system } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'conditional.yaml')] });
    const cases: [string, RequestInit | undefined, number, string][] = [
      ['/api/v1/executions', json({ playbook: 'conditional', workload: { temperature: 'warm' } }), 400, 'invalid_workload'],
      ['/api/v1/executions', json({ playbook: 'nope' }), 404, 'unknown_playbook'],
      ['/api/v1/executions', json({ playbook: 'conditional', colour: 'red' }), 400, 'invalid_request'],
      ['/api/v1/executions', json([1, 2]), 400, 'invalid_request'],
      ['/api/v1/executions', json({ playbook: 'conditional', workload: { temperature: 1 }, executionId: 'bad id!' }), 400, 'invalid_request'],
      ['/api/v1/executions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"playbook":' }, 400, 'invalid_json'],
      ['/api/v1/executions', { method: 'DELETE' }, 405, 'method_not_allowed'],
      ['/api/v1/executions/nope', undefined, 404, 'execution_not_found'],
      ['/api/v1/executions/..%2F..', undefined, 404, 'execution_not_found'],
      ['/api/v1/executions/nope/events', undefined, 404, 'execution_not_found'],
      ['/api/v1/executions/nope/cancel', { method: 'POST' }, 404, 'execution_not_found'],
    ];
    for (const [path, init, status, code] of cases) {
      const answer = await call(`${url}${path}`, init);
      expect([path, answer.status, answer.body.type]).toEqual([path, status, `urn:overseer:problem:${code}`]);
      expect(answer.type).toMatch(/^application\/problem\+json/);
    }
    const bad = await call(`${url}/api/v1/executions`, json({ playbook: 'conditional', workload: { temperature: 'warm' } }));
    expect(bad.body.problems).toEqual([{ path: 'workload.temperature', message: 'expected number, got string "warm"' }]);
    expect((await call(`${url}/api/v1/executions`, { method: 'DELETE' })).headers.get('allow')).toBe('POST');
    expect(system.statusAt('root/gateway')?.ready).toBe(true);
    expect(system.statusAt('root/workflows')?.ready).toBe(true);
  });

  it('GET /api/v1/playbooks lists the registered playbooks with their workload', async () => {
    const { url } = await start({ gateway: true, playbooks: [join(PLAYBOOKS, 'conditional.yaml'), join(PLAYBOOKS, 'iterator.yaml')] });
    const { status, body } = await call(`${url}/api/v1/playbooks`);
    expect(status).toBe(200);
    expect((body.playbooks as { name: string }[]).map((p) => p.name)).toEqual(['conditional', 'iterator']);
    expect(body.playbooks).toContainEqual(expect.objectContaining({ name: 'conditional', workload: { temperature: expect.objectContaining({ type: 'number', required: true }) } }));
  });

  it('a system without a workflows actor answers 404 workflows_not_served, not 500', async () => {
    const { system, url } = await startStoreSystem();
    try {
      for (const [path, init] of [['/api/v1/executions', json({ playbook: 'linear' })], ['/api/v1/executions/x', undefined], ['/api/v1/playbooks', undefined]] as const) {
        const answer = await call(`${url}${path}`, init);
        expect([path, answer.status, answer.body.type]).toEqual([path, 404, 'urn:overseer:problem:workflows_not_served']);
      }
    } finally {
      await system.stop();
    }
  });

  it('a workflows actor that is restarting answers 503 workflows_unavailable with Retry-After', () => {
    const p = workflowProblem(new StoreUnavailableError('root/workflows (starting: resuming executions)'), 'root/workflows');
    expect(p).toMatchObject({ status: 503, headers: { 'retry-after': '1' }, document: { type: 'urn:overseer:problem:workflows_unavailable' } });
    expect(workflowProblem(new StoreUnavailableError('root/workflows', new UnknownActorError('root/workflows')), 'root/workflows')?.status).toBe(404);
    expect(workflowProblem(new StoreUnavailableError('root/store'), 'root/workflows')).toBeUndefined(); // the gateway's own store_unavailable
  });
});
