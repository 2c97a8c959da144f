/**
 * Result sizing and batch execution in the calling thread, against values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { ref, task } from '@tsdask/core-graph';
import { executeBatch, FLAT_INT, FLAT_LIT, FLAT_REF, sizeOf } from '@tsdask/runtime';

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

  it('runs members given as flat codes: refs to members and inputs, inline integers, literals', async () => {
    const SUM = '@tsdask/core-graph/ops#sum';
    const IDENTITY = '@tsdask/core-graph/ops#identity';
    const ref = (slot: number): number => (slot << 2) | FLAT_REF;
    const int = (x: number): number => (x << 2) | FLAT_INT;
    const lit = (i: number): number => (i << 2) | FLAT_LIT;
    // Written by hand from the format (flat-batch.ts): 3 members, input x in slot 3.
    // m0 = sum(x, -5) = 35; m1 = sum(m0, 0.5, m0) = 70.5; m2 = identity(m1) = 70.5.
    const codes = Int32Array.from([3, 0, 2, ref(3), int(-5), 0, 3, ref(0), lit(0), ref(0), 1, 1, ref(1)]);
    const base = { keys: [], nodes: [], parent: Int32Array.from([1, 2, -1]), inputKeys: ['x'], inputs: [40], ops: [SUM, IDENTITY], sources: [] };
    const r = await executeBatch({ ...base, flat: codes, literals: [0.5] }, -1);
    expect(r).toMatchObject({ ok: true, value: 70.5, nbytes: 8 });
    // m2 reads m0, which was freed once its only dependent m1 ran: the batch fails at member 2.
    const bad = Int32Array.from([3, 0, 2, ref(3), int(-5), 0, 3, ref(0), lit(0), ref(0), 1, 1, ref(0)]);
    const e = await executeBatch({ ...base, flat: bad, literals: [0.5] }, -1);
    expect(e).toMatchObject({ ok: false, member: 2 });
    expect((e as { error: { message: string } }).error.message).toContain('member 0 is not available');
  });
});
