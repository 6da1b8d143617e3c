import { describe, expect, it } from 'vitest';
import { BoundedQueue as Mailbox } from '../../src/shared/bounded-queue.js';

const fill = (box: Mailbox<number>, n: number) => Array.from({ length: n }, (_, i) => box.offer(i + 1));
const drain = (box: Mailbox<number>) => {
  const out: number[] = [];
  for (let m = box.shift(); m !== undefined; m = box.shift()) out.push(m);
  return out;
};

describe('bounded queue', () => {
  it('drop_newest keeps the first `capacity` messages and counts the rest', () => {
    const box = new Mailbox<number>(3, 'drop_newest');
    expect(fill(box, 5)).toEqual(['queued', 'queued', 'queued', 'dropped_newest', 'dropped_newest']);
    expect(box.dropped).toBe(2);
    expect(drain(box)).toEqual([1, 2, 3]);
  });

  it('drop_oldest keeps the newest `capacity` messages', () => {
    const box = new Mailbox<number>(3, 'drop_oldest');
    fill(box, 5);
    expect(box.dropped).toBe(2);
    expect(drain(box)).toEqual([3, 4, 5]);
  });

  it('reject refuses messages once full', () => {
    const box = new Mailbox<number>(2, 'reject');
    expect(fill(box, 3)).toEqual(['queued', 'queued', 'rejected']);
    expect(drain(box)).toEqual([1, 2]);
  });

  it('stays FIFO while its ring grows and wraps', () => {
    const box = new Mailbox<number>(1000, 'drop_newest');
    const out: number[] = [];
    let next = 1;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) box.offer(next++);
      for (let i = 0; i < 5; i++) out.push(box.shift()!);
    }
    out.push(...drain(box));
    expect(out).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
    expect(box.depth).toBe(0);
  });

  it('clear empties the box and counts what it held as dropped', () => {
    const box = new Mailbox<number>(10, 'drop_newest');
    fill(box, 4);
    expect(box.clear()).toBe(4);
    expect(box.depth).toBe(0);
    expect(box.dropped).toBe(4);
  });
});
