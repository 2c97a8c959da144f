/**
 * The type-level dtype rules (src/dtype-rules.ts) against the runtime, for every dtype. The
 * tables are written by hand from NumPy 2's rules and checked both ways: the type of each entry
 * must equal the type-level rule (tsc, in `npm run typecheck:tests`), and the dtype each
 * operation gives at runtime, and the `typeof` of computed values, must equal the entry (vitest).
 */
import { describe, expect, it } from 'vitest';
import * as da from '@tsdask/array';
import type { DType, FloatOf, MomentDType, Promote, ScalarOf, SumDType } from '@tsdask/array';
import './support.js';

const sync = { scheduler: 'sync' } as const;
const DTYPES: readonly DType[] = ['float64', 'float32', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'int64', 'bool'];

/** The `typeof` of a JavaScript value type. */
type TypeName<T> = T extends number ? 'number' : T extends bigint ? 'bigint' : T extends boolean ? 'boolean' : never;

// NumPy 2: sum / prod / cumsum of integers and bool are int64 (uint32 too: we have no uint64), floats keep theirs.
const SUM: { [D in DType]: SumDType<D> } = {
  float64: 'float64',
  float32: 'float32',
  int8: 'int64',
  int16: 'int64',
  int32: 'int64',
  uint8: 'int64',
  uint16: 'int64',
  uint32: 'int64',
  int64: 'int64',
  bool: 'int64',
};
// mean / var / std: float32 stays float32, the rest is float64.
const MOMENT: { [D in DType]: MomentDType<D> } = {
  float64: 'float64',
  float32: 'float32',
  int8: 'float64',
  int16: 'float64',
  int32: 'float64',
  uint8: 'float64',
  uint16: 'float64',
  uint32: 'float64',
  int64: 'float64',
  bool: 'float64',
};
// sqrt, exp, ...: integers of up to 16 bits (and bool) give float32, wider ones float64.
const FLOAT: { [D in DType]: FloatOf<D> } = {
  float64: 'float64',
  float32: 'float32',
  int8: 'float32',
  int16: 'float32',
  int32: 'float64',
  uint8: 'float32',
  uint16: 'float32',
  uint32: 'float64',
  int64: 'float64',
  bool: 'float32',
};
// The JavaScript value of one element.
const VALUE: { [D in DType]: TypeName<ScalarOf<D>> } = {
  float64: 'number',
  float32: 'number',
  int8: 'number',
  int16: 'number',
  int32: 'number',
  uint8: 'number',
  uint16: 'number',
  uint32: 'number',
  int64: 'bigint',
  bool: 'boolean',
};
// numpy.promote_types (rows: a, columns: b).
// prettier-ignore
const PROMOTE: { [A in DType]: { [B in DType]: Promote<A, B> } } = {
  float64: { float64: 'float64', float32: 'float64', int8: 'float64', int16: 'float64', int32: 'float64', uint8: 'float64', uint16: 'float64', uint32: 'float64', int64: 'float64', bool: 'float64' },
  float32: { float64: 'float64', float32: 'float32', int8: 'float32', int16: 'float32', int32: 'float64', uint8: 'float32', uint16: 'float32', uint32: 'float64', int64: 'float64', bool: 'float32' },
  int8: { float64: 'float64', float32: 'float32', int8: 'int8', int16: 'int16', int32: 'int32', uint8: 'int16', uint16: 'int32', uint32: 'int64', int64: 'int64', bool: 'int8' },
  int16: { float64: 'float64', float32: 'float32', int8: 'int16', int16: 'int16', int32: 'int32', uint8: 'int16', uint16: 'int32', uint32: 'int64', int64: 'int64', bool: 'int16' },
  int32: { float64: 'float64', float32: 'float64', int8: 'int32', int16: 'int32', int32: 'int32', uint8: 'int32', uint16: 'int32', uint32: 'int64', int64: 'int64', bool: 'int32' },
  uint8: { float64: 'float64', float32: 'float32', int8: 'int16', int16: 'int16', int32: 'int32', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', int64: 'int64', bool: 'uint8' },
  uint16: { float64: 'float64', float32: 'float32', int8: 'int32', int16: 'int32', int32: 'int32', uint8: 'uint16', uint16: 'uint16', uint32: 'uint32', int64: 'int64', bool: 'uint16' },
  uint32: { float64: 'float64', float32: 'float64', int8: 'int64', int16: 'int64', int32: 'int64', uint8: 'uint32', uint16: 'uint32', uint32: 'uint32', int64: 'int64', bool: 'uint32' },
  int64: { float64: 'float64', float32: 'float64', int8: 'int64', int16: 'int64', int32: 'int64', uint8: 'int64', uint16: 'int64', uint32: 'int64', int64: 'int64', bool: 'int64' },
  bool: { float64: 'float64', float32: 'float32', int8: 'int8', int16: 'int16', int32: 'int32', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', int64: 'int64', bool: 'bool' },
};

describe('the type-level dtype rules agree with the runtime for every dtype', () => {
  it('sum, prod, nansum, cumsum; mean, var, std, nanmean; min, max; any, all; argmin, argmax; sqrt', async () => {
    for (const d of DTYPES) {
      const x = da.ones([3, 2], { dtype: d, chunks: 2 });
      for (const r of [x.sum(), x.prod(), x.nansum(), x.cumsum(), x.sum({ axis: 0 })]) expect([d, r.dtype]).toEqual([d, SUM[d]]);
      for (const r of [x.mean(), x.var(), x.std({ ddof: 1 }), x.nanmean({ axis: 1 })]) expect([d, r.dtype]).toEqual([d, MOMENT[d]]);
      for (const r of [x.min(), x.max({ axis: 1 }), x.nanmin(), x.nanmax(), x.T, x.ravel()]) expect([d, r.dtype]).toEqual([d, d]);
      for (const r of [x.any(), x.all({ axis: 0 }), x.isnan(), x.gt(0)]) expect([d, r.dtype]).toEqual([d, 'bool']);
      for (const r of [x.argmin(), x.argmax({ axis: 0 })]) expect([d, r.dtype]).toEqual([d, 'int64']);
      expect([d, x.sqrt().dtype]).toEqual([d, FLOAT[d]]);
      expect([d, x.astype('float32').dtype]).toEqual([d, 'float32']);
    }
  });

  it('a 0-d result computes to the JavaScript value its dtype says', async () => {
    for (const d of DTYPES) {
      const x = da.ones([4], { dtype: d, chunks: 3 });
      const [mx, s, m, a, i] = await Promise.all([x.max(), x.sum(), x.mean(), x.any(), x.argmax()].map((r) => r.compute(sync)));
      expect([d, typeof mx]).toEqual([d, VALUE[d]]);
      expect([d, typeof s]).toEqual([d, VALUE[SUM[d]]]);
      expect([d, typeof m]).toEqual([d, 'number']);
      expect([d, typeof a]).toEqual([d, 'boolean']);
      expect([d, typeof i]).toEqual([d, 'bigint']);
    }
  });

  it('binary operations between arrays promote as numpy.promote_types', () => {
    for (const a of DTYPES) {
      for (const b of DTYPES) {
        expect([a, b, da.promoteTypes(a, b)]).toEqual([a, b, PROMOTE[a][b]]);
        expect([a, b, da.ones([2], { dtype: a }).add(da.ones([2], { dtype: b })).dtype]).toEqual([a, b, PROMOTE[a][b]]);
      }
    }
  });
});
