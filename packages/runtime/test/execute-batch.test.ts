/**
 * Result sizing and batch execution in the calling thread, against values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { ref, task } from '@tsdask/core-graph';
import { executeBatch, sizeOf } from '@tsdask/runtime';

describe('sizeOf', () => {
  it('counts buffers, strings, nbytes fields and containers', () => {
    expect(sizeOf(new Float64Array(10))).toBe(80);
    expect(sizeOf(new ArrayBuffer(12))).toBe(12);
    expect(sizeOf('abc')).toBe(6);
    expect(sizeOf(3)).toBe(8);
    expect(sizeOf({ nbytes: 123, data: new Uint8Array(1000) })).toBe(123);
    expect(sizeOf({ a: new Uint8Array(5), b: 'xy' })).toBe(9);
    expect(sizeOf(new Map([['k', new Int16Array(3)]]))).toBe(6);
    expect(sizeOf(new Array(2000).fill(1))).toBe(16000);
  });
});

describe('executeBatch', () => {
  it('runs members in order, reading inputs and earlier members', async () => {
    const r = await executeBatch(
      {
        keys: ['a-0', 'b-0'],
        nodes: [task('@tsdask/core-graph/ops#sum', ref('x'), 1), task('@tsdask/core-graph/ops#sum', ref('a-0'), ref('x'))],
        parent: Int32Array.from([1, -1]),
        inputKeys: ['x'],
        inputs: [40],
        ops: [],
        sources: [],
      },
      -1,
    );
    // (40 + 1) + 40
    expect(r).toMatchObject({ ok: true, value: 81, nbytes: 8, worker: -1 });
  });
});
