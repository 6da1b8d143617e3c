import { describe, expect, it } from 'vitest';
import { planOneForAll } from '../../src/supervisor/strategies/one-for-all.js';
import { planOneForOne } from '../../src/supervisor/strategies/one-for-one.js';
import { planRestForOne } from '../../src/supervisor/strategies/rest-for-one.js';

const kids = ['a', 'b', 'c', 'd'];

describe('restart strategies as pure plans', () => {
  it('one_for_one restarts only the failed child', () => {
    expect(planOneForOne(kids, 'b')).toEqual({ stop: [], start: ['b'] });
  });

  it('one_for_all stops every sibling in reverse start order and starts all in order', () => {
    expect(planOneForAll(kids, 'b')).toEqual({ stop: ['d', 'c', 'a'], start: ['a', 'b', 'c', 'd'] });
  });

  it('rest_for_one restarts the failed child and every child started after it', () => {
    expect(planRestForOne(kids, 'b')).toEqual({ stop: ['d', 'c'], start: ['b', 'c', 'd'] });
    expect(planRestForOne(kids, 'd')).toEqual({ stop: [], start: ['d'] });
    expect(planRestForOne(kids, 'a')).toEqual({ stop: ['d', 'c', 'b'], start: kids });
  });
});
