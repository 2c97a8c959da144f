/**
 * Array parity: basic slicing, take and boolean masks, ported from dask/array/tests/
 * test_slicing.py (each case's title names the Dask test). Answers: reference.json, from
 * NumPy via gen_array.py / cases_slicing.py.
 */
import * as da from '@tsdask/array';
import { input, parityArea, type Builder } from './support.js';

/** Cases that fail until a fix on another branch lands (the merge empties this list). */
const AWAITING_FIX = new Set<string>([]);

const x100 = (): da.DaskArray => input('x100', 20);
const x3d = (): da.DaskArray => input('x3d', [2, 3, 4]);
const x2d = (): da.DaskArray => input('x2d', [7, 9]);

const B: Record<string, Builder> = {};
const ONE_D: Record<string, da.Slice> = {
  '10_51': { start: 10, stop: 51 },
  '100_12_m3': { start: 100, stop: 12, step: -3 },
  '102_none_m3': { start: 102, step: -3 },
  rev4: { step: -4 },
  rev7: { step: -7 },
  m40_m10_4: { start: -40, stop: -10, step: 4 },
  stop0: { stop: 0 },
  oob: { start: -102, stop: 102 },
  oob_rev: { start: 102, stop: -102, step: -1 },
  step7: { step: 7 },
  empty: { start: 50, stop: 40 },
};
for (const [k, s] of Object.entries(ONE_D)) B[`slicing.1d_${k}`] = () => x100().slice(s);
B['slicing.1d_115_rev7'] = () => input('x115', 23).get('::-7');
B['slicing.int_negative'] = () => x100().slice(-2);
B['slicing.int_oob_error'] = () => x100().slice(100);
B['slicing.newaxis_3d'] = () => x3d().slice(null, 1, {}, null);
B['slicing.newaxis_ellipsis'] = () => x3d().get('..., None, 2');
B['slicing.ellipsis_int'] = () => x3d().slice(1, '...');
B['slicing.int_int_slice'] = () => x3d().get('2, 3, 1:5');
B['slicing.2d_chunks'] = () => x2d().get('1:, 20:');
B['slicing.2d_negative_steps'] = () => x2d().get('25:3:-4, ::-9');
B['slicing.too_many_indices_error'] = () => x3d().slice(1, 2, 3, 4);
B['slicing.take_axis0'] = () => x100().take([95, 3, 0, 50, 3], 0);
B['slicing.take_axis1_negative'] = () => x2d().take([-1, 0, 17, 17], 1);
B['slicing.take_sorted'] = () => x3d().take([0, 1, 3], 2);
B['slicing.take_oob_error'] = () => x100().take([100], 0);
B['slicing.bool_mask_1d'] = () => {
  const x = x100();
  return x.mask(x.mod(3).eq(1));
};
B['slicing.bool_mask_2d'] = () => {
  const x = x2d();
  return x.mask(x.mod(7).eq(0));
};
B['slicing.bool_mask_none'] = () => {
  const x = x100();
  return x.mask(x.gt(1000));
};

// corners: uneven chunks, steps longer than a chunk, zero-length axes, NaN under a mask
const xu = (): da.DaskArray => input('xu', [[5, 1, 9, 2, 6]]);
B['slicing.uneven_rev'] = () => xu().slice({ step: -1 });
B['slicing.uneven_step_past_chunk'] = () => xu().get('1::9');
B['slicing.uneven_neg_step_past_chunk'] = () => xu().get('-2::-8');
B['slicing.2d_int_then_rev'] = () => x2d().get('-1, ::-13');
B['slicing.empty_axis_2d'] = () => x2d().get('5:5, 3:9');
B['slicing.slice_of_slice'] = () => x100().get('10:90:3').get('::-2').get('2:9');
B['slicing.take_empty'] = () => x100().take([], 0);
B['slicing.take_after_slice'] = () => x2d().get('::2').take([14, 0, 7], 0);
B['slicing.mask_nan'] = () => {
  const x = da.fromArray([1.0, NaN, -2.0, 3.0, NaN], { chunks: 2 });
  return x.mask(x.gt(0));
};
B['slicing.mask_then_sum'] = () => {
  const x = x2d();
  return x.mask(x.mod(5).eq(0)).sum();
};

parityArea('slicing', B, AWAITING_FIX);
