/**
 * Faults in @tsdask/array found by the parity suite (test/parity/array/): arrays of unknown
 * chunk sizes (after a boolean mask) that gave silent wrong answers or refused with misleading
 * messages, non-integer slice bounds, var/std with ddof >= n, integers to negative powers and
 * the dtype of integer and bool matrix products. References are plain loops over the same
 * numbers or values worked out by hand (NumPy's rules noted beside them).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as da from '@tsdask/array';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

const X = Array.from({ length: 20 }, (_, i) => i);
/** NumPy's x[x % 3 != 0] for x = arange(20), by a plain filter. */
const M = X.filter((v) => v % 3 !== 0);
/** The same by mask, in blocks of `chunks`: 13 values in blocks of unknown size. */
const um = (chunks = 6): da.DaskArray => {
  const a = da.arange(20, { chunks }).astype('float64');
  return a.mask(a.mod(3).ne(0));
};

async function values(a: da.DaskArray, scheduler: 'sync' | 'threads' = 'sync'): Promise<{ shape: number[]; data: number[] }> {
  const v = await a.compute({ scheduler });
  if (!(v instanceof da.NDArray)) return { shape: [], data: [Number(v)] };
  return { shape: [...v.shape], data: Array.from(v.data as ArrayLike<number | bigint>, Number) };
}

/** The error `f` throws (synchronously), or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The cause chain of an error, outermost first (a failed task wraps the worker's error). */
function chain(err: unknown): { name: string; code?: unknown; message: string }[] {
  const out: { name: string; code?: unknown; message: string }[] = [];
  for (let e = err; e instanceof Error; e = e.cause) out.push({ name: e.name, code: (e as { code?: unknown }).code, message: e.message });
  return out;
}

function expectUnknown(f: () => unknown, op: string): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(da.UnknownChunksError);
  const u = e as da.UnknownChunksError;
  expect(u.name).toBe('UnknownChunksError');
  expect(u.code).toBe('TSDASK_ARRAY_UNKNOWN_CHUNKS');
  expect(u.message).toContain(`${op}: axis`);
  expect(u.message).toContain('computeChunkSizes()');
}

describe('unknown chunk sizes: refused with UnknownChunksError, never a wrong answer', () => {
  it('indexing, take, rechunk, reshape, stack, matmul and squeeze of an unknown axis throw at the call', () => {
    const m = um();
    expectUnknown(() => m.get('2:5'), 'slice');
    expectUnknown(() => m.get('::2'), 'slice');
    expectUnknown(() => m.get('::-1'), 'slice');
    expectUnknown(() => m.slice(1), 'slice');
    expectUnknown(() => m.slice(-5), 'slice');
    expectUnknown(() => m.take([0, 2]), 'take');
    expectUnknown(() => m.rechunk(3), 'rechunk');
    expectUnknown(() => m.rechunk('auto'), 'rechunk');
    expectUnknown(() => m.reshape([13, 1]), 'reshape');
    expectUnknown(() => da.stack([m, m]), 'stack');
    expectUnknown(() => da.matmul(m, m), 'matmul');
    expectUnknown(() => da.tensordot(m, m, 1), 'tensordot');
    expectUnknown(() => m.squeeze({ axis: 0 }), 'squeeze');
    expectUnknown(() => da.mapBlocks((b: da.NDArray) => b, m, { chunks: 5 }), 'chunks');
    expectUnknown(() => da.concatenate([m.expandDims(1), um(4).expandDims(1)], 1), 'concatenate');
    expectUnknown(() => da.concatenate([m.expandDims(1), da.ones([13, 1], { chunks: 13 })], 1), 'concatenate');
  });

  it('element-wise ops and masks between arrays of different unknown blocks throw (not "do not broadcast")', () => {
    const m = um();
    expectUnknown(() => m.add(um(4)), 'add');
    expectUnknown(() => da.where(um(4).gt(5), m, 0), 'where');
    expectUnknown(() => m.mask(um(4).gt(10)), 'mask');
  });

  it('different masks with the same number of blocks fail at compute with a BroadcastError, not a RangeError', async () => {
    const a = da.arange(20, { chunks: 6 }).astype('float64');
    const other = a.mask(a.gt(3)); // 4 blocks too, of other sizes (2, 6, 6, 2 against 4, 4, 4, 1)
    const err = await um()
      .add(other)
      .compute({ scheduler: 'sync' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const hit = chain(err).find((e) => e.name === 'BroadcastError');
    expect(hit?.code).toBe('TSDASK_ARRAY_BROADCAST');
    expect(hit?.message).toContain('do not broadcast');
  });

  it('toNpy and toZarr refuse an unknown shape with the same error', async () => {
    await expect(da.toNpy(um(), '/nonexistent-dir/x.npy')).rejects.toBeInstanceOf(da.UnknownChunksError);
    await expect(da.toZarr(um(), '/nonexistent-dir/x.zarr')).rejects.toBeInstanceOf(da.UnknownChunksError);
  });

  it('computeChunkSizes() gives the block sizes, and then slicing, take and rechunk answer as NumPy', async () => {
    const k = await um().computeChunkSizes({ scheduler: 'sync' });
    // blocks of 6 over 0..19 keep 4, 4, 4 and 1 values (6k+1, 6k+2, 6k+4, 6k+5; then 19)
    expect(k.chunks).toEqual([[4, 4, 4, 1]]);
    expect(k.shape).toEqual([13]);
    expect((await values(k.get('2:5'))).data).toEqual(M.slice(2, 5));
    expect((await values(k.get('::2'))).data).toEqual(M.filter((_, i) => i % 2 === 0));
    expect((await values(k.get('::-1'))).data).toEqual([...M].reverse());
    expect((await values(k.slice(1))).data).toEqual([M[1]]);
    expect((await values(k.slice(-5))).data).toEqual([M[M.length - 5]]);
    expect((await values(k.take([0, 2]))).data).toEqual([M[0], M[2]]);
    const r = k.rechunk(3);
    expect(r.chunks).toEqual([[3, 3, 3, 3, 1]]);
    expect((await values(r)).data).toEqual(M);
    expect((await values(k.reshape([13, 1]))).shape).toEqual([13, 1]);
    expect((await values(da.matmul(k, k))).data).toEqual([M.reduce((s, v) => s + v * v, 0)]);
    const known = da.arange(5, { chunks: 2 });
    expect(await known.computeChunkSizes()).toBe(known);
  });

  it('what needs no sizes is computed: mask of a mask, concatenate along the axis, expandDims, ":" and new axes', async () => {
    const m = um();
    expect(await values(m.mask(m.gt(10)))).toEqual({ shape: [6], data: M.filter((v) => v > 10) });
    expect((await values(m.add(m.gt(10)))).data).toEqual(M.map((v) => v + (v > 10 ? 1 : 0)));
    expect((await values(da.where(m.gt(5), m, 0))).data).toEqual(M.map((v) => (v > 5 ? v : 0)));
    expect(await values(da.concatenate([m, um(4)]))).toEqual({ shape: [26], data: [...M, ...M] });
    expect(await values(da.concatenate([m, da.arange(20, { chunks: 6 }).astype('float64')]))).toEqual({ shape: [33], data: [...M, ...X] });
    expect(await values(m.expandDims(0))).toEqual({ shape: [1, 13], data: M });
    expect(await values(m.expandDims(1))).toEqual({ shape: [13, 1], data: M });
    expect(await values(m.get(':'))).toEqual({ shape: [13], data: M });
    expect(await values(m.slice(null))).toEqual({ shape: [1, 13], data: M });
    expect(await values(m.ravel())).toEqual({ shape: [13], data: M });
    expect(m.rechunk(m.chunks)).toBe(m);
  });

  it('a 2-d array with one unknown axis: indexing, take, squeeze and reductions along the known axis', async () => {
    const m2 = um().expandDims(1); // (NaN, 1)
    const col = M.map((v) => [v, v * 10]).flat(); // (13, 2) by hand: each value and ten times it
    const wide = da.concatenate([m2, m2.mul(10)], 1);
    expect(await values(wide)).toEqual({ shape: [13, 2], data: col });
    expect(await values(wide.slice({}, 1))).toEqual({ shape: [13], data: M.map((v) => v * 10) });
    expect(await values(wide.take([1, 0], 1))).toEqual({ shape: [13, 2], data: M.map((v) => [v * 10, v]).flat() });
    expect(await values(m2.squeeze({ axis: 1 }))).toEqual({ shape: [13], data: M });
    expect(await values(wide.sum({ axis: 1 }))).toEqual({ shape: [13], data: M.map((v) => v * 11) });
    expect(await values(wide.mean({ axis: 1 }))).toEqual({ shape: [13], data: M.map((v) => v * 5.5) });
    expect(await values(wide.max({ axis: 1, keepdims: true }))).toEqual({ shape: [13, 1], data: M.map((v) => v * 10) });
    expect(await values(wide.argmax({ axis: 1 }))).toEqual({ shape: [13], data: M.map((v) => (v > 0 ? 1 : 0)) });
    expect(await values(wide.T)).toEqual({ shape: [2, 13], data: [...M, ...M.map((v) => v * 10)] });
  });
});

describe('slice bounds and indices must be integers (NumPy: TypeError / IndexError)', () => {
  const x = (): da.DaskArray => da.arange(10, { chunks: 4 });
  const expectIndex = (f: () => unknown, ...words: string[]): void => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(da.IndexError);
    expect((e as da.IndexError).code).toBe('TSDASK_ARRAY_INDEX');
    for (const w of words) expect((e as Error).message).toContain(w);
  };
  it('refuses float bounds, steps, indices and get() texts at the call, naming the bound', () => {
    expectIndex(() => x().slice({ stop: 2.5 }), 'stop 2.5', 'integer');
    expectIndex(() => x().slice({ start: 0.5, stop: 3 }), 'start 0.5', 'integer');
    expectIndex(() => x().slice({ step: 1.5 }), 'step');
    expectIndex(() => x().slice({ stop: NaN }), 'stop NaN');
    expectIndex(() => x().slice(1.5), 'index 1.5', 'not an integer');
    expectIndex(() => x().get('0:2.5'), "'2.5' is not an integer");
    expectIndex(() => x().get('1e3'), "'1e3' is not an integer");
    expectIndex(() => x().get('0x2'), "'0x2' is not an integer");
    expectIndex(() => x().take([0.5]), 'not an integer');
    expectIndex(() => x().take([Number.NaN]), 'not an integer');
  });
  it('refuses out-of-range indices and takes, and still takes negative ones', async () => {
    expectIndex(() => x().slice(10), 'out of bounds');
    expectIndex(() => x().slice(-11), 'out of bounds');
    expectIndex(() => x().take([10]), 'out of bounds');
    expectIndex(() => x().take([-11]), 'out of bounds');
    expect((await values(x().take([-1, -10]))).data).toEqual([9, 0]);
    expect((await values(x().get('-3:'))).data).toEqual([7, 8, 9]);
    expect((await values(x().slice({ start: 2, stop: 2e9 }))).data).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('var/std with ddof >= n divide by max(n - ddof, 0) as NumPy', () => {
  it('gives inf for a positive sum of squares and NaN for zero', async () => {
    // [1, 3]: mean 2, sum of squared deviations 2; NumPy: 2 / max(2 - ddof, 0)
    const a = da.fromArray([1, 3], { chunks: 1 });
    expect((await values(a.var({ ddof: 1 }))).data).toEqual([2]);
    expect((await values(a.var({ ddof: 2 }))).data).toEqual([Infinity]);
    expect((await values(a.std({ ddof: 3 }))).data).toEqual([Infinity]);
    // [2, 2]: sum of squares 0, so 0 / 0
    expect((await values(da.fromArray([2, 2], { chunks: 1 }).var({ ddof: 2 }))).data).toEqual([NaN]);
    // along an axis: column 0 is [1, 3], column 1 is [5, 5]
    const b = da.fromArray([1, 5, 3, 5], { shape: [2, 2], chunks: 1 });
    expect((await values(b.var({ axis: 0, ddof: 2 }))).data).toEqual([Infinity, NaN]);
  });
});

describe('integers to negative integer powers: a typed error (NumPy ValueError)', () => {
  for (const scheduler of ['sync', 'threads'] as const) {
    it(`int32 and int64 on ${scheduler}`, async () => {
      const i4 = da.fromArray(Int32Array.of(2, 3, 4), { chunks: 2 });
      const i8 = da.arange(1, 4, { chunks: 2 }); // int64
      // An exponent inside an array is found at compute; a constant one at the call (as NumPy).
      const bads: (() => da.DaskArray)[] = [() => i4.pow(da.fromArray(Int32Array.of(1, -1, 1), { chunks: 2 })), () => i8.pow(-1)];
      for (const bad of bads) {
        const err = await Promise.resolve()
          .then(() => bad().compute({ scheduler }))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        const hit = chain(err).find((e) => e.name === 'InputError');
        expect(hit?.code).toBe('TSDASK_ARRAY_INPUT');
        expect(hit?.message).toContain('negative integer powers');
      }
      expect((await values(i4.pow(2), scheduler)).data).toEqual([4, 9, 16]);
    });
  }
});

describe('matmul keeps NumPy result dtype: the operands promoted type', () => {
  it('int32 @ int32 is int32 (wrapping past 2^31), int8 wraps in int8, uint8 @ int8 is int16', async () => {
    const A = [2_000_000_000, 1_999_999_000, 7, -8];
    const B = [1_999_999_999, 1_999_999_922, -3, 5];
    const a = da.fromArray(Int32Array.from(A), { shape: [2, 2], chunks: 1 });
    const b = da.fromArray(Int32Array.from(B), { shape: [2, 2], chunks: 1 });
    const ab = a.matmul(b);
    expect(ab.dtype).toBe('int32');
    // reference: BigInt sums wrapped to 32 bits, as NumPy's int32 matmul gives
    const ref: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) ref.push(Number(BigInt.asIntN(32, BigInt(A[i * 2]!) * BigInt(B[j]!) + BigInt(A[i * 2 + 1]!) * BigInt(B[2 + j]!))));
    const got = (await ab.compute({ scheduler: 'sync' })) as da.NDArray;
    expect(got.dtype).toBe('int32');
    expect(Array.from(got.data as Int32Array)).toEqual(ref);
    // 100 * 2 summed 3 times is 600, which int8 holds as 600 - 512 = 88
    const i1 = da.matmul(da.full([2, 3], 100, { dtype: 'int8', chunks: 2 }), da.full([3, 2], 2, { dtype: 'int8', chunks: 2 }));
    expect(i1.dtype).toBe('int8');
    expect(await values(i1)).toEqual({ shape: [2, 2], data: [88, 88, 88, 88] });
    const u1 = da.matmul(da.full([1, 2], 200, { dtype: 'uint8', chunks: 1 }), da.full([2, 1], -1, { dtype: 'int8', chunks: 1 }));
    expect(u1.dtype).toBe('int16');
    expect((await values(u1)).data).toEqual([-400]);
  });
  it('bool @ bool is bool: whether any product is true', async () => {
    const P = [1, 0, 1, 0, 0, 0]; // 2 x 3
    const Q = [1, 1, 0, 1, 1, 0]; // 3 x 2
    const p = da.fromArray(P, { shape: [2, 3], chunks: 2 }).gt(0);
    const q = da.fromArray(Q, { shape: [3, 2], chunks: 2 }).gt(0);
    const pq = da.matmul(p, q);
    expect(pq.dtype).toBe('bool');
    const ref: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) ref.push([0, 1, 2].some((k) => P[i * 3 + k]! && Q[k * 2 + j]!) ? 1 : 0);
    expect(await values(pq)).toEqual({ shape: [2, 2], data: ref });
  });
});
