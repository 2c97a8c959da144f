import { expect, it } from 'vitest';
import { MinHeap } from '../src/state/min-heap.js';

it('MinHeap pops in key order, past its first capacity, like a sort', () => {
  const h = new MinHeap(4);
  const pairs: [number, number][] = [];
  let x = 12345;
  for (let i = 0; i < 1000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const key = (x % 200) - 100;
    pairs.push([i, key]);
    h.push(i, key);
  }
  expect(h.size).toBe(1000);
  const keys: number[] = [];
  const items = new Set<number>();
  while (h.size > 0) {
    keys.push(h.peekKey()!);
    items.add(h.pop());
  }
  expect(keys).toEqual(pairs.map(([, k]) => k).sort((a, b) => a - b));
  expect(items.size).toBe(1000);
});
