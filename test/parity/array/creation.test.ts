/**
 * Array parity: creation functions, ported from dask/array/tests/test_creation.py and
 * test_array_core.py::test_full (each case's title names the Dask test). Answers:
 * reference.json (NumPy, and Dask's chunk layouts), from gen_array.py / cases_creation.py.
 */
import * as da from '@tsdask/array';
import { parityArea, type Builder } from './support.js';

/** Cases that fail until a fix on another branch lands (the merge empties this list). */
const AWAITING_FIX = new Set<string>([]);

const B: Record<string, Builder> = {};
for (const endpoint of [true, false]) {
  const e = endpoint ? '' : '_noendpoint';
  B[`creation.linspace_6_49${e}`] = () => da.linspace(6, 49, { endpoint, chunks: 5 });
  B[`creation.linspace_1p4_4p9_13${e}`] = () => da.linspace(1.4, 4.9, 13, { endpoint, chunks: 5 });
}
B['creation.linspace_num1'] = () => da.linspace(3, 7, 1, { chunks: 5 });
B['creation.linspace_num0'] = () => da.linspace(0, 1, 0, { chunks: 5 });
B['creation.arange_77'] = () => da.arange(77, { chunks: 13 });
B['creation.arange_2_13'] = () => da.arange(2, 13, { chunks: 5 });
B['creation.arange_4_21_9'] = () => da.arange(4, 21, 9, { chunks: 13 });
B['creation.arange_negative_step'] = () => da.arange(53, 5, -3, { chunks: 5 });
B['creation.arange_float_dtype'] = () => da.arange(77, { chunks: 13, dtype: 'float64' });
B['creation.arange_empty_neg_step'] = () => da.arange(0, 1, -0.5, { chunks: 20 });
B['creation.arange_empty_pos_step'] = () => da.arange(0, -1, 0.5, { chunks: 20 });
B['creation.arange_float_step_0p3'] = () => da.arange(2.0, 13.0, 0.3, { chunks: 4 });
B['creation.arange_float_step_neg'] = () => da.arange(7.7, 1.5, -0.8, { chunks: 3 });
B['creation.arange_float_step_0p01'] = () => da.arange(0, 1, 0.01, { chunks: 20 });
B['creation.arange_float_step_0p03'] = () => da.arange(0, 1, 0.03, { chunks: 20 });
// NumPy's arange(1.0) is float64 because the argument is a float; a JS 1.0 is the integer 1,
// so the dtype is asked for explicitly
B['creation.arange_dtype_infer_float'] = () => da.arange(1, { dtype: 'float64' });
B['creation.arange_dtype_force_i4'] = () => da.arange(10, { chunks: 3, dtype: 'int32' });
B['creation.eye_9'] = () => da.eye(9, { chunks: 3 });
B['creation.eye_9_m6_k2'] = () => da.eye(9, { M: 6, k: 2, chunks: 4 });
B['creation.eye_10_km3_i8'] = () => da.eye(10, { k: -3, dtype: 'int64', chunks: 4 });
// NumPy's full((3, 4), 2) is int64 because 2 is a Python int; in JS that integer is a bigint
B['creation.full_3x4_int'] = () =>
  da.full([3, 4], 2n, {
    chunks: [
      [2, 1],
      [2, 2],
    ],
  });
B['creation.full_float'] = () => da.full([5, 3], 1.5, { chunks: 2 });
B['creation.ones_i4'] = () => da.ones([4, 6], { dtype: 'int32', chunks: [3, 4] });
B['creation.zeros_bool'] = () => da.zeros([7], { dtype: 'bool', chunks: 3 });
B['creation.arange_step0_error'] = () => da.arange(0, 5, 0, { chunks: 2 });

// corners
B['creation.arange_half_start'] = () => da.arange(0.5, 3, { chunks: 2 });
B['creation.arange_0_1_0p1'] = () => da.arange(0, 1, 0.1, { chunks: 3 });
B['creation.arange_neg_float'] = () => da.arange(-1, -3.5, -0.25, { chunks: 4 });
B['creation.linspace_int_dtype'] = () => da.linspace(1.4, 4.9, 13, { dtype: 'int64', chunks: 5 });
B['creation.linspace_descending'] = () => da.linspace(5, -5, 11, { chunks: 4 });
B['creation.linspace_noendpoint_num1'] = () => da.linspace(2, 3, 1, { endpoint: false, chunks: 4 });
B['creation.eye_k_past_m'] = () => da.eye(3, { M: 5, k: 10, chunks: 2 });
B['creation.eye_km_past_n'] = () => da.eye(4, { M: 3, k: -5, chunks: 2 });
B['creation.full_bool'] = () => da.full([3], true, { chunks: 2 });
B['creation.full_i1'] = () => da.full([2, 2], -5, { dtype: 'int8', chunks: 1 });
B['creation.zeros_0d'] = () => da.zeros([]);

parityArea('creation', B, AWAITING_FIX);
