/** The server's problem+json answers as messages on the page. */
import { describe, expect, it } from 'vitest';
import { problemMessage } from '../../../../src/admin/ui/model/index.js';

const problem = (status: number, code: string, detail: string, extra = {}) => JSON.stringify({ type: `urn:overseer:problem:${code}`, title: code.replace(/_/g, ' '), status, detail, ...extra });

describe('problem messages', () => {
  it('a 401 reads status, title and detail and asks for the token', () => {
    expect(problemMessage(401, problem(401, 'unauthorized', 'this endpoint needs Authorization: Bearer <admin token>'))).toEqual({
      kind: 'error',
      text: '401 unauthorized: this endpoint needs Authorization: Bearer <admin token>',
      lines: [],
      code: 'unauthorized',
      needsToken: true,
    });
  });

  it('a 400 lists its positioned problems; a 403 does not ask for the token', () => {
    const m = problemMessage(400, problem(400, 'invalid_params', 'params are invalid', { problems: [{ path: 'params.pageSize', message: 'Too big' }] }));
    expect(m).toMatchObject({ code: 'invalid_params', lines: ['params.pageSize: Too big'], needsToken: false });
    expect(problemMessage(403, problem(403, 'forbidden_origin', 'no')).needsToken).toBe(false);
  });

  it('an answer that is not problem+json (a proxy page) is still shown, cut', () => {
    expect(problemMessage(502, `<html>${'x'.repeat(1000)}</html>`).text).toHaveLength(305);
    expect(problemMessage(504, '')).toMatchObject({ text: '504: no answer body' });
  });
});
