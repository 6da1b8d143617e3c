import { describe, expect, it } from 'vitest';
import { InvalidSelectorError, parseSelector } from '../../src/index.js';

const matches = (selector: string, labels: Record<string, string>) => parseSelector(selector).matches(labels);

describe('label selectors as Kubernetes writes them', () => {
  it('matches equality requirements: = and == on the value, != also where the key is absent', () => {
    expect(matches('env=prod', { env: 'prod' })).toBe(true);
    expect(matches('env==prod', { env: 'prod', x: 'y' })).toBe(true);
    expect(matches('env=prod', { env: 'dev' })).toBe(false);
    expect(matches('env=prod', {})).toBe(false);
    expect(matches('env!=prod', { env: 'dev' })).toBe(true);
    expect(matches('env!=prod', {})).toBe(true);
    expect(matches('env!=prod', { env: 'prod' })).toBe(false);
    expect(matches('env=', { env: '' })).toBe(true);
  });

  it('matches set requirements: in, notin (absent keys pass), exists and !exists', () => {
    expect(matches('env in (prod, staging)', { env: 'staging' })).toBe(true);
    expect(matches('env in (prod,staging)', { env: 'dev' })).toBe(false);
    expect(matches('env in (prod)', {})).toBe(false);
    expect(matches('env notin (prod)', {})).toBe(true);
    expect(matches('env notin (prod,dev)', { env: 'dev' })).toBe(false);
    expect(matches('gpu', { gpu: '' })).toBe(true);
    expect(matches('gpu', {})).toBe(false);
    expect(matches('!gpu', {})).toBe(true);
    expect(matches('!gpu', { gpu: 'x' })).toBe(false);
  });

  it('ands comma-separated requirements, with whitespace and prefixed keys; the empty selector selects everything', () => {
    expect(matches(' app.kubernetes.io/name = web , tier in (a,b),!canary ', { 'app.kubernetes.io/name': 'web', tier: 'b' })).toBe(true);
    expect(matches('app.kubernetes.io/name=web,tier in (a,b)', { 'app.kubernetes.io/name': 'web', tier: 'c' })).toBe(false);
    expect(parseSelector('').empty).toBe(true);
    expect(matches('', { anything: 'x' })).toBe(true);
    expect(parseSelector('a=b,c notin (d)').requirements).toEqual([
      { key: 'a', operator: 'in', values: ['b'] },
      { key: 'c', operator: 'notin', values: ['d'] },
    ]);
  });

  it.each([
    ['env in ()', /empty/],
    ['env in (a', /unfinished|expected "," or "\)"/],
    ['env in a', /parenthesised/],
    ['=prod', /label key/],
    ['env=prod,', /missing its key/],
    ['env=prod tier=web', /expected ","/],
    ['-bad=x', /key/],
    ['env=in valid!', /expected/],
    ['env=' + 'x'.repeat(64), /label value/],
    ['Bad_Prefix/name=x', /prefix/],
    ['env > 3', /expected =, ==, !=, in or notin/],
    ['a'.repeat(5000), /longer than/],
  ])('refuses %j with InvalidSelectorError naming the problem', (source, reason) => {
    expect(() => parseSelector(source)).toThrow(InvalidSelectorError);
    expect(() => parseSelector(source)).toThrow(reason);
  });
});
