/** JSONata expressions and templates: sandboxed (no JavaScript reachable), bounded in time, values as plain JSON. */
import { describe, expect, it } from 'vitest';
import { compileExpression, compileTemplate, ExpressionError, renderTemplate, truthy } from '../../src/workflows/expressions.js';

describe('expressions', () => {
  it('evaluates against the context: workload, steps, input, output', async () => {
    const context = { workload: { temperature: 30 }, steps: { a: { n: 2 } }, input: [1, 2, 3], output: { ok: true } };
    expect(await compileExpression('workload.temperature > 25').evaluate(context)).toBe(true);
    expect(await compileExpression('steps.a.n * 10').evaluate(context)).toBe(20);
    expect(await compileExpression('$sum(input)').evaluate(context)).toBe(6);
    expect(await compileExpression('{% output.ok %}').evaluate(context)).toBe(true);
  });

  it('keeps arrays arrays (a one-element array is not unwrapped) and returns plain JSON', async () => {
    expect(await compileExpression('input').evaluate({ input: [4] })).toEqual([4]);
    const value = await compileExpression('input.{ "v": $ }').evaluate({ input: [1, 2] });
    expect(value).toEqual([{ v: 1 }, { v: 2 }]);
    expect(Object.getPrototypeOf(value)).toBe(Array.prototype);
    expect(await compileExpression('function($x) { $x }').evaluate({})).toBeUndefined();
  });

  it('reaches no JavaScript: no Function constructor, no process, no require', async () => {
    const attempts = ['$.constructor', 'input.constructor.constructor', '$eval("process")', '$string(input.constructor)', 'require', '$process'];
    for (const source of attempts) {
      const value = await compileExpression(source).evaluate({ input: {} }).catch((e: unknown) => e);
      expect(typeof value === 'function').toBe(false);
      expect(String(value)).not.toMatch(/native code|\[object process\]/);
    }
  });

  it('an infinite loop fails with JSONata\'s timeout (D1012) instead of hanging', async () => {
    const loop = compileExpression('($f := function($x) { $f($x + 1) }; $f(0))');
    await expect(loop.evaluate({})).rejects.toMatchObject({ jsonataCode: expect.stringMatching(/^D1012|^U1001/) });
  });

  it('a syntax error is an ExpressionError with JSONata\'s code and position', () => {
    try {
      compileExpression('a +');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      expect(error).toMatchObject({ jsonataCode: 'S0207', position: 3 });
    }
  });

  it('templates replace {% %} strings by their values and keep everything else literal', async () => {
    const t = compileTemplate({ a: '{% workload.x * 2 %}', b: 'plain {% not an expression', c: [1, '{% workload.x %}'], d: { e: null } });
    expect(await renderTemplate(t, { workload: { x: 5 } })).toEqual({ a: 10, b: 'plain {% not an expression', c: [1, 5], d: { e: null } });
  });

  it('truthiness follows JSONata ($boolean): empty values are false', () => {
    for (const v of [false, 0, '', null, undefined, [], {}, [0, false]]) expect(truthy(v)).toBe(false);
    for (const v of [true, 1, 'x', [0, 1], { a: 0 }]) expect(truthy(v)).toBe(true);
  });
});
