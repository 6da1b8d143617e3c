/** Editing params on the page: the merge patch sent, and mistakes caught before sending. */
import { describe, expect, it } from 'vitest';
import { editParams, mergePatchBetween, paramsText } from '../../../../src/admin/ui/model/index.js';

describe('params edit', () => {
  it('sends changed and added keys, removed keys as null, nested objects key by key', () => {
    const before = { pageSize: 500, keep: 'x', drop: true, nested: { a: 1, b: 2 }, list: [1, 2] };
    const after = { pageSize: 250, keep: 'x', added: 1, nested: { a: 1 }, list: [1, 2] };
    expect(mergePatchBetween(before, after)).toEqual({ pageSize: 250, added: 1, drop: null, nested: { b: null } });
    expect(mergePatchBetween({ list: [1] }, { list: [1, 2] })).toEqual({ list: [1, 2] });
  });

  it('the editor text round-trips to "nothing changed"', () => {
    const params = { a: 1, b: { c: [1, 2] } };
    expect(editParams(params, paramsText(params))).toEqual({ ok: false, message: 'nothing changed' });
    expect(editParams(params, '{"a": 2, "b": {"c": [1, 2]}}')).toEqual({ ok: true, patch: { a: 2 } });
  });

  it('refuses text that is not JSON, not an object, or sets null', () => {
    expect(editParams({}, '{ nope')).toMatchObject({ ok: false, message: expect.stringMatching(/^not valid JSON/) });
    expect(editParams({}, '[1]')).toMatchObject({ ok: false, message: expect.stringMatching(/must be a JSON object/) });
    expect(editParams({ a: { b: 1 } }, '{"a": {"b": null}}')).toMatchObject({ ok: false, message: expect.stringMatching(/^a\.b: null cannot be set/) });
  });
});
