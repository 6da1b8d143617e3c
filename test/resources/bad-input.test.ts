import { describe, expect, it } from 'vitest';
import { resourceSystems } from './support.js';

const start = resourceSystems({ gateway: true });

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  pointer?: string;
}

const lab = (extra: Record<string, unknown> = {}, spec: unknown = { image: 'ubuntu' }) => ({ metadata: { name: 'lab-x', ...extra }, spec });
const C = '/api/v1/resources/labinstances';
const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });

const cases: Case[] = [
  { name: 'a body that is not JSON', method: 'POST', path: C, body: 'name=x', type: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { name: 'broken JSON', method: 'POST', path: C, body: '{"metadata":', status: 400, code: 'invalid_json' },
  { name: 'an array for a resource', method: 'POST', path: C, body: [], status: 400, code: 'invalid_resource', pointer: '' },
  { name: 'no name', method: 'POST', path: C, body: { spec: { image: 'x' } }, status: 400, code: 'invalid_resource', pointer: '/metadata/name' },
  { name: 'a name Kubernetes would refuse', method: 'POST', path: C, body: lab({ name: 'Bad_Name' }), status: 400, code: 'invalid_resource', pointer: '/metadata/name' },
  { name: 'a bad namespace', method: 'POST', path: C, body: lab({ namespace: '-x-' }), status: 400, code: 'invalid_resource', pointer: '/metadata/namespace' },
  { name: 'a bad label key', method: 'POST', path: C, body: lab({ labels: { 'bad key!': 'x' } }), status: 400, code: 'invalid_resource', pointer: '/metadata/labels/bad key!' },
  { name: 'a non-string label value', method: 'POST', path: C, body: lab({ labels: { env: 3 } }), status: 400, code: 'invalid_resource', pointer: '/metadata/labels/env' },
  { name: 'a non-string annotation', method: 'POST', path: C, body: lab({ annotations: { note: {} } }), status: 400, code: 'invalid_resource', pointer: '/metadata/annotations/note' },
  { name: 'a finalizer listed twice', method: 'POST', path: C, body: lab({ finalizers: ['a.io/x', 'a.io/x'] }), status: 400, code: 'invalid_resource', pointer: '/metadata/finalizers/1' },
  { name: 'a resourceVersion on a create', method: 'POST', path: C, body: lab({ resourceVersion: '5' }), status: 400, code: 'invalid_resource', pointer: '/metadata/resourceVersion' },
  { name: 'an unknown metadata field', method: 'POST', path: C, body: lab({ owner: 'me' }), status: 400, code: 'invalid_resource', pointer: '/metadata/owner' },
  { name: 'an unknown top-level field', method: 'POST', path: C, body: { ...lab(), extra: 1 }, status: 400, code: 'invalid_resource', pointer: '/extra' },
  { name: 'another kind in the body', method: 'POST', path: C, body: { ...lab(), kind: 'Other' }, status: 400, code: 'invalid_resource', pointer: '/kind' },
  { name: 'a spec missing a required field (schema)', method: 'POST', path: C, body: lab({}, {}), status: 400, code: 'invalid_resource', pointer: '/spec/image' },
  { name: 'a spec field of the wrong type (schema)', method: 'POST', path: C, body: lab({}, { image: 3 }), status: 400, code: 'invalid_resource', pointer: '/spec/image' },
  { name: 'a spec field the schema does not allow', method: 'POST', path: C, body: lab({}, { image: 'x', color: 'red' }), status: 400, code: 'invalid_resource', pointer: '/spec/color' },
  { name: 'a spec that is not an object', method: 'POST', path: C, body: lab({}, 'ubuntu'), status: 400, code: 'invalid_resource', pointer: '/spec' },
  { name: 'a number JSON cannot hold', method: 'POST', path: C, body: '{"metadata":{"name":"x"},"spec":{"image":"x","ttlMs":1e400}}', status: 400, code: 'invalid_resource', pointer: '/spec' },
  { name: 'a spec nested too deep', method: 'POST', path: C, body: lab({}, deep(70)), status: 400, code: 'nesting_too_deep' },
  { name: 'a body over the limit', method: 'POST', path: C, body: lab({}, { image: 'x'.repeat(1_100_000) }), status: 413, code: 'payload_too_large' },
  { name: 'an unknown kind', method: 'GET', path: '/api/v1/resources/nopes', status: 404, code: 'unknown_kind' },
  { name: 'a resource that does not exist', method: 'GET', path: `${C}/default/none`, status: 404, code: 'resource_not_found' },
  { name: 'a bad name in the URL', method: 'GET', path: `${C}/default/Bad_Name`, status: 400, code: 'invalid_resource', pointer: '/metadata/name' },
  { name: 'a bad label selector', method: 'GET', path: `${C}?labelSelector=${encodeURIComponent('env in (')}`, status: 400, code: 'invalid_selector' },
  { name: 'a selector given twice', method: 'GET', path: `${C}?labelSelector=a&labelSelector=b`, status: 400, code: 'invalid_request' },
  { name: 'a bad namespace filter', method: 'GET', path: `${C}?namespace=NOPE`, status: 400, code: 'invalid_resource', pointer: '/metadata/namespace' },
  { name: 'watch=maybe', method: 'GET', path: `${C}?watch=maybe`, status: 400, code: 'invalid_request' },
  { name: 'a watch from a resourceVersion that is not one', method: 'GET', path: `${C}?watch=true&resourceVersion=abc`, status: 400, code: 'invalid_resource', pointer: '/metadata/resourceVersion' },
  { name: 'a bad Last-Event-ID', method: 'GET', path: `${C}?watch=true`, headers: { 'last-event-id': 'abc' }, status: 400, code: 'invalid_request' },
  { name: 'a watch with a bad selector', method: 'GET', path: `${C}?watch=true&labelSelector=%3D%3D`, status: 400, code: 'invalid_selector' },
  { name: 'a watch of an unknown kind', method: 'GET', path: '/api/v1/resources/nopes?watch=true', status: 404, code: 'unknown_kind' },
  { name: 'creating one that exists', method: 'POST', path: C, body: { metadata: { name: 'existing' }, spec: { image: 'x' } }, status: 409, code: 'already_exists' },
  { name: 'a stale resourceVersion', method: 'PUT', path: `${C}/default/existing`, body: { metadata: { resourceVersion: '1' }, spec: { image: 'y' } }, status: 409, code: 'conflict' },
  { name: 'a PUT naming another resource', method: 'PUT', path: `${C}/default/existing`, body: { metadata: { name: 'other' }, spec: { image: 'y' } }, status: 400, code: 'invalid_resource', pointer: '/metadata/name' },
  { name: 'a PUT of one that does not exist', method: 'PUT', path: `${C}/default/none`, body: { spec: { image: 'y' } }, status: 404, code: 'resource_not_found' },
  { name: 'a merge patch that is not an object', method: 'PATCH', path: `${C}/default/existing`, body: [1], type: 'application/merge-patch+json', status: 400, code: 'invalid_resource', pointer: '' },
  { name: 'a patch breaking the schema', method: 'PATCH', path: `${C}/default/existing`, body: { spec: { image: null } }, type: 'application/merge-patch+json', status: 400, code: 'invalid_resource', pointer: '/spec/image' },
  { name: 'a patch renaming the resource', method: 'PATCH', path: `${C}/default/existing`, body: { metadata: { name: 'renamed' } }, status: 400, code: 'invalid_resource', pointer: '/metadata/name' },
  { name: 'a status that is not an object', method: 'PUT', path: `${C}/default/existing/status`, body: { status: 'ready' }, status: 400, code: 'invalid_resource', pointer: '/status' },
  { name: 'a status write with a stale resourceVersion', method: 'PATCH', path: `${C}/default/existing/status`, body: { metadata: { resourceVersion: '1' }, status: {} }, status: 409, code: 'conflict' },
  { name: 'a DELETE with a bad resourceVersion', method: 'DELETE', path: `${C}/default/existing?resourceVersion=v2`, status: 400, code: 'invalid_resource', pointer: '/metadata/resourceVersion' },
  { name: 'a DELETE with a stale resourceVersion', method: 'DELETE', path: `${C}/default/existing?resourceVersion=1`, status: 409, code: 'conflict' },
  { name: 'POST on a resource', method: 'POST', path: `${C}/default/existing`, body: {}, status: 405, code: 'method_not_allowed' },
  { name: 'PUT on a collection', method: 'PUT', path: C, body: {}, status: 405, code: 'method_not_allowed' },
  { name: 'DELETE on a status', method: 'DELETE', path: `${C}/default/existing/status`, status: 405, code: 'method_not_allowed' },
];

describe('resources over HTTP: bad input', () => {
  it('answers every malformed request with its 4xx problem+json, and the system stays ready with no restart', async () => {
    const { url, api, system } = await start();
    await api.create('LabInstance', { metadata: { name: 'existing' }, spec: { image: 'x' } });
    await api.patch('LabInstance', 'default', 'existing', { spec: { image: 'y' } }); // resourceVersion 1 is stale now
    for (const c of cases) {
      const headers: Record<string, string> = { ...c.headers };
      if (c.body !== undefined) headers['content-type'] = c.type ?? 'application/json';
      const res = await fetch(url + c.path, { method: c.method, headers, ...(c.body === undefined ? {} : { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }) });
      const text = await res.text();
      const problem = JSON.parse(text) as { type: string; status: number; pointer?: string };
      expect({ name: c.name, status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ name: c.name, status: c.status, type: 'application/problem+json' });
      expect({ name: c.name, code: problem.type }).toEqual({ name: c.name, code: `urn:overseer:problem:${c.code}` });
      if (c.pointer !== undefined) expect({ name: c.name, pointer: problem.pointer }).toEqual({ name: c.name, pointer: c.pointer });
      if (c.status === 405) expect(res.headers.get('allow')).toBeTruthy();
    }
    expect((await fetch(`${url}${C}`)).status).toBe(200);
    for (const node of system.status().children!) expect({ id: node.id, ready: node.ready, restarts: node.restarts }).toEqual({ id: node.id, ready: true, restarts: 0 });
    expect((await api.get('LabInstance', 'default', 'existing')).spec).toEqual({ image: 'y' });
  });
});

describe('resources over HTTP: a system without a resources actor', () => {
  it('answers 404 resources_not_served on every resource route', async () => {
    const { url } = await start({ noResources: true });
    for (const path of ['/api/v1/resources', C, `${C}?watch=true`, `${C}/default/x`]) {
      const res = await fetch(url + path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(((await res.json()) as { type: string }).type).toBe('urn:overseer:problem:resources_not_served');
    }
  });
});
