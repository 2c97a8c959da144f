/**
 * Fault tests for @tsdask/array reductions (issue 11): exact integer prod/sum (NumPy's int64
 * accumulator), min/max/argmin/argmax over empty or all-masked data, int64 arg-reductions past
 * 2^53. References: plain loops, values by hand, NumPy's answers in array-ref.json.
 */
import { describe, expect, it } from 'vitest';
import * as da from '@tsdask/array';
import { REF, rejection, SCHEDULERS, values } from './array-support.js';

describe.each(SCHEDULERS)('exact integer prod and sum on %s', (scheduler) => {
  it('prod of int32 is exact int64, as NumPy', async () => {
    const r = REF.prod_i32 as { x: number[]; prod: string; dtype: string };
    for (const chunks of [7, 2, 1]) {
      const p = da.fromArray(r.x, { dtype: 'int32', chunks }).prod();
      expect(p.dtype).toBe(r.dtype);
      expect(await p.compute({ scheduler })).toBe(BigInt(r.prod));
    }
    // a fused expression takes the same route
    expect(await da.fromArray(r.x, { dtype: 'int32', chunks: 4 }).mul(1).prod().compute({ scheduler })).toBe(BigInt(r.prod));
  });

  it('prod past int64 wraps as NumPy does (its int64 accumulator, no rounding)', async () => {
    const w = REF.prod_i32_wrap as { x: number[]; prod: string };
    expect(await da.fromArray(w.x, { dtype: 'int32', chunks: 2 }).prod().compute({ scheduler })).toBe(BigInt(w.prod));
    // NumPy gives uint64 for a uint32 prod; tsdask has no uint64, so the result is int64 with the same 64 bits
    const u = REF.prod_u32 as { x: number[]; prod: string };
    expect(await da.fromArray(u.x, { dtype: 'uint32' }).prod().compute({ scheduler })).toBe(BigInt.asIntN(64, BigInt(u.prod)));
    // by hand: 2^40 * 2^40 = 2^80, which is 0 modulo 2^64
    expect(
      await da
        .fromArray([2n ** 40n, 2n ** 40n], { dtype: 'int64', chunks: 1 })
        .prod()
        .compute({ scheduler }),
    ).toBe(0n);
    const c = REF.cumprod_i32 as { x: number[]; cumprod: string[] };
    expect(await values(da.fromArray(c.x, { dtype: 'int32', chunks: 4 }).cumprod(), scheduler)).toEqual(c.cumprod.map(BigInt));
  });

  it('sum of int32 past 2^53 is exact', async () => {
    const s = REF.sum_i32 as { x: number[]; sum: string };
    expect(await da.fromArray(s.x, { dtype: 'int32' }).sum().compute({ scheduler })).toBe(BigInt(s.sum));
    const n = 2 ** 22 + 2;
    const x = da.fromArray(new Int32Array(n).fill(2 ** 31 - 1), { chunks: n });
    const want = BigInt(n) * (2n ** 31n - 1n); // by hand; a float64 running sum rounds it
    expect(want > 2n ** 53n).toBe(true);
    expect(await x.sum().compute({ scheduler })).toBe(want);
    expect(await x.mul(1).sum().compute({ scheduler })).toBe(want);
    // uint32 along the second axis: each row's sum passes 2^53 (by hand: (n / 2) * (2^32 - 1))
    const m = da.fromArray(new Uint32Array(n).fill(2 ** 32 - 1), { shape: [2, n / 2], chunks: [2, n / 2] });
    const row = BigInt(n / 2) * (2n ** 32n - 1n);
    expect(row > 2n ** 53n).toBe(true);
    expect(await values(m.sum({ axis: 1 }), scheduler)).toEqual([row, row]);
    expect(await m.sum().compute({ scheduler })).toBe(2n * row);
  });
});

describe.each(SCHEDULERS)('reductions with no identity over empty data on %s', (scheduler) => {
  const x = (): da.DaskArray => da.fromArray([3n, 1n, 2n], { dtype: 'int64', chunks: 2 });
  const xf = (): da.DaskArray => da.fromArray([3, 1, 2], { chunks: 2 });

  it('min/max/nanmin/nanmax/argmin/argmax of an all-masked array raise EmptyReductionError', async () => {
    for (const a of [x(), xf()]) {
      const none = a.mask(a.gt(10));
      for (const r of [none.min(), none.max(), none.nanmin(), none.nanmax(), none.argmin(), none.argmax()]) {
        const err = await rejection(r.compute({ scheduler }));
        expect(err).toBeInstanceOf(da.EmptyReductionError);
        expect((err as da.EmptyReductionError).code).toBe('TSDASK_ARRAY_EMPTY_REDUCTION');
      }
    }
  });

  it('partly masked min/max/argmin still answer (a plain loop over the kept values)', async () => {
    const a = xf();
    const some = a.mask(a.lt(3)); // keeps 1, 2
    expect(await some.min().compute({ scheduler })).toBe(1);
    expect(await some.max().compute({ scheduler })).toBe(2);
    expect(await some.argmax().compute({ scheduler })).toBe(1n);
    expect(await some.argmin().compute({ scheduler })).toBe(0n);
    // the kept values of a longer array over several blocks, some of them empty, against a plain loop
    const raw = [5, 9, -1, 4, 8, 0, 7, -3, 6, 2, 11, 1];
    const big = da.fromArray(raw, { chunks: 2 });
    const sel = big.mask(big.ge(4)); // several blocks keep nothing or one value
    const kept = raw.filter((v) => v >= 4);
    expect(await sel.argmax({ splitEvery: 2 }).compute({ scheduler })).toBe(BigInt(kept.indexOf(Math.max(...kept))));
    expect(await sel.argmin().compute({ scheduler })).toBe(BigInt(kept.indexOf(Math.min(...kept))));
    expect(await sel.min({ splitEvery: 2 }).compute({ scheduler })).toBe(Math.min(...kept));
    const b = x();
    expect(await b.mask(b.gt(1n)).min().compute({ scheduler })).toBe(2n);
  });

  it('reductions with an identity over an all-masked array give it (sum 0, any false, all true), mean NaN', async () => {
    const a = xf();
    const none = a.mask(a.gt(10));
    expect(await none.sum().compute({ scheduler })).toBe(0);
    expect(await none.any().compute({ scheduler })).toBe(false);
    expect(await none.all().compute({ scheduler })).toBe(true);
    expect(await none.mean().compute({ scheduler })).toBeNaN();
  });

  it('argmin/argmax of int64 compare exactly past 2^53 (through float64 the values tied)', async () => {
    const t = 2n ** 60n;
    const flat = [t, t + 1n, t - 1n, t + 1n, t];
    const a = da.fromArray(flat, { chunks: 2 });
    // plain loops: the first index of the largest / smallest value
    const best = (pick: (x: bigint, y: bigint) => boolean): number => flat.reduce((bi, v, k) => (pick(v, flat[bi] as bigint) ? k : bi), 0);
    expect(await a.argmax().compute({ scheduler })).toBe(BigInt(best((x, y) => x > y)));
    expect(await a.argmin().compute({ scheduler })).toBe(BigInt(best((x, y) => x < y)));
    const m = da.fromArray(
      [
        [t + 1n, t, t + 2n],
        [t, t + 1n, t - 1n],
      ],
      { chunks: [1, 2] },
    );
    expect(await values(m.argmax({ axis: 1 }), scheduler)).toEqual([2n, 1n]);
    expect(await values(m.argmin({ axis: 0 }), scheduler)).toEqual([1n, 0n, 1n]);
    const masked = a.mask(a.ge(t));
    expect(await masked.argmax().compute({ scheduler })).toBe(1n); // kept: t, t+1, t+1, t
  });

  it('zero-size arrays raise at the call; sum and prod give their identity, mean NaN', async () => {
    const e = da.fromArray([] as number[]);
    for (const f of [() => e.min(), () => e.max(), () => e.nanmin(), () => e.nanmax(), () => e.argmin(), () => e.argmax()]) {
      expect(f).toThrow(da.EmptyReductionError);
    }
    expect(await e.sum().compute({ scheduler })).toBe(0);
    expect(await e.prod().compute({ scheduler })).toBe(1);
    expect(await e.mean().compute({ scheduler })).toBeNaN();
  });
});
