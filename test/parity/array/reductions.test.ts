/**
 * Array parity: reductions and cumulative reductions, ported from dask/array/tests/
 * test_reductions.py and test_array_core.py::test_cumulative (each case's title names the Dask
 * test). Answers: reference.json, from NumPy via gen_array.py / cases_reductions.py.
 */
import * as da from '@tsdask/array';
import { input, parityArea, type Builder } from './support.js';

/** Cases that fail until a fix on another branch lands (the merge empties this list). */
const AWAITING_FIX = new Set<string>([]);

type Fn = 'sum' | 'prod' | 'mean' | 'var' | 'std' | 'min' | 'max' | 'any' | 'all' | 'nansum' | 'nanmean' | 'nanmin' | 'nanmax';
// Each reduction is generic in its options (its result type follows them), so a union of them is
// not callable: read them as one plain signature to pick one by name.
type Reducers = Record<Fn, (opts: da.ReduceOptions) => da.DaskArray>;
const reduce = (x: da.DaskArray, fn: Fn, opts: da.ReduceOptions = {}): da.DaskArray => (x as Reducers)[fn](opts);

const B: Record<string, Builder> = {};

// test_reductions_1D: arange(5) as float32 and int32, chunks=2
for (const name of ['f4', 'i4'] as const) {
  for (const fn of ['sum', 'prod', 'mean', 'var', 'std', 'min', 'max', 'any', 'all'] as const) {
    B[`reductions.${fn}_1d_${name}`] = () => reduce(input(`${name}_5`, 2), fn);
  }
}
B['reductions.sum_1d_i4_keepdims'] = () => input('i4_5', 2).sum({ keepdims: true });
B['reductions.mean_1d_f4_split2'] = () => input('f4_5', 2).mean({ splitEvery: 2 });
for (const fn of ['nansum', 'nanmean', 'nanmin', 'nanmax'] as const) B[`reductions.${fn}_1d_f4`] = () => reduce(input('f4_5', 2), fn);

// test_reductions_2D: arange(1, 122) as (11, 11) in chunks (4, 4)
const TWO_D: [Fn, number | number[] | undefined, boolean][] = [
  ['sum', undefined, false],
  ['sum', 0, false],
  ['sum', 1, false],
  ['sum', -1, false],
  ['sum', -2, false],
  ['sum', [1, 0], false],
  ['sum', 1, true],
  ['mean', undefined, false],
  ['mean', 0, false],
  ['mean', 1, true],
  ['var', 1, false],
  ['std', undefined, false],
  ['std', 0, false],
  ['min', 0, false],
  ['max', 1, false],
  ['any', 0, false],
  ['all', undefined, true],
  ['nansum', 0, false],
  ['nanmin', 1, false],
  ['nanmax', undefined, false],
  ['nanmean', 0, false],
  ['prod', 1, false],
];
for (const name of ['f4', 'i4'] as const) {
  for (const [fn, axis, keepdims] of TWO_D) {
    if (fn === 'prod' && name === 'i4') continue;
    const ax = axis === undefined ? 'all' : Array.isArray(axis) ? axis.join('_') : String(axis);
    B[`reductions.${fn}_2d_${name}_axis${ax}${keepdims ? '_keepdims' : ''}`] = () => reduce(input(`${name}_11`, [4, 4]), fn, { axis, keepdims });
  }
}
B['reductions.sum_2d_f4_split2_axis0'] = () => input('f4_11', [4, 4]).sum({ axis: 0, splitEvery: 2 });
B['reductions.max_2d_i4_split2_keepdims'] = () => input('i4_11', [4, 4]).max({ axis: 0, keepdims: true, splitEvery: 2 });

// int32 products: exact int64 results (NumPy's accumulator)
B['reductions.prod_i4_axis1'] = () => input('i4_15', [2, 2]).prod({ axis: 1 });
B['reductions.prod_i4_all'] = () => input('i4_15', [2, 2]).prod();
B['reductions.prod_i4_past_2p53'] = () => input('i4_odd', 6).prod();
B['reductions.var_2d_i4_ddof1_axis0'] = () => input('i4_11', [4, 4]).var({ axis: 0, ddof: 1 });
B['reductions.std_2d_f4_ddof1'] = () => input('f4_11', [4, 4]).std({ ddof: 1 });

// test_reduction_errors
B['reductions.sum_axis2_error'] = () => da.ones([5, 5], { chunks: [3, 3] }).sum({ axis: 2 });
B['reductions.sum_axis_minus3_error'] = () => da.ones([5, 5], { chunks: [3, 3] }).sum({ axis: -3 });

// test_arg_reductions: (10, 10, 10) in chunks (3, 4, 5)
for (const fn of ['argmin', 'argmax'] as const) {
  for (const axis of [undefined, 0, 1, 2]) B[`reductions.${fn}_3d_axis${axis ?? 'all'}`] = () => input('f8_10', [3, 4, 5])[fn]({ axis });
  B[`reductions.${fn}_3d_keepdims`] = () => input('f8_10', [3, 4, 5])[fn]({ keepdims: true });
  B[`reductions.${fn}_1d_split2`] = () => input('i8_10', 3)[fn]({ axis: 0, splitEvery: 2 });
  B[`reductions.${fn}_axis3_error`] = () => input('f8_10', [3, 4, 5])[fn]({ axis: 3 });
}

// test_reductions_1D_nans (chunks=1) and test_nan
for (const xn of ['a', 'b']) {
  for (const fn of ['nansum', 'nanmean', 'nanmin', 'nanmax'] as const) B[`reductions.${fn}_nans_${xn}`] = () => reduce(input(`nan_${xn}`, 1), fn);
}
B['reductions.sum_nans_propagate'] = () => input('nan2d', [2, 4]).sum({ axis: 0 });
B['reductions.nansum_2d_axis1'] = () => input('nan2d', [2, 4]).nansum({ axis: 1 });
B['reductions.nanmean_2d_axis0'] = () => input('nan2d', [2, 4]).nanmean({ axis: 0 });
B['reductions.nanmax_2d_all'] = () => input('nan2d', [2, 4]).nanmax();

// test_min_max_empty_chunks, test_reductions_with_empty_array, test_reductions_with_negative_axes
const i8 = (): da.DaskArray => input('i8_10', 1);
B['reductions.min_masked_some_chunks_empty'] = () => {
  const x = i8();
  return x.mask(x.lt(2)).min();
};
B['reductions.max_masked_2d'] = () => {
  const x = input('x3', 1);
  return x.mask(x.ge(2)).max();
};
B['reductions.min_all_masked_error'] = () => {
  const x = i8();
  return x.mask(x.lt(0)).min();
};
B['reductions.max_all_masked_error'] = () => {
  const x = i8();
  return x.mask(x.lt(0)).max();
};
B['reductions.argmax_empty_error'] = () => da.ones([0], { chunks: 4 }).argmax();
B['reductions.mean_empty_axis1'] = () => da.ones([10, 0, 5], { chunks: 4 }).mean({ axis: 1 });
B['reductions.sum_empty_axis0'] = () => da.ones([10, 0, 5], { chunks: 4 }).sum({ axis: 0 });
B['reductions.sum_negative_axes'] = () => input('cum3', [4, 5, 6]).sum({ axis: [-1, -3] });

// test_array_cumreduction_axis: (10, 11, 12) in chunks (4, 5, 6)
for (const axis of [undefined, 0, 1, 2]) B[`reductions.cumsum_3d_axis${axis ?? 'none'}`] = () => input('cum3', [4, 5, 6]).cumsum({ axis });
B['reductions.cumprod_3d_axis2'] = () => input('cum3', [4, 5, 6]).div(100).add(1).cumprod({ axis: 2 });
B['reductions.cumsum_3d_nan_axis0'] = () => input('cum3n', [4, 5, 6]).cumsum({ axis: 0 });
B['reductions.cumsum_3d_nan_axis1'] = () => input('cum3n', [4, 5, 6]).cumsum({ axis: 1 });

// test_array_core.py::test_cumulative
B['reductions.cumsum_arange20'] = () => da.arange(20, { chunks: 5 }).cumsum({ axis: 0 });
B['reductions.cumprod_arange20'] = () => da.arange(20, { chunks: 5 }).cumprod({ axis: 0 });
B['reductions.cumprod_arange1_15'] = () => da.arange(1, 16, { chunks: 5 }).cumprod({ axis: 0 });
for (const axis of [0, 1]) {
  B[`reductions.cumsum_2d_axis${axis}`] = () => input('f8_20', [6, 5]).cumsum({ axis });
  B[`reductions.cumprod_2d_axis${axis}`] = () => input('f8_20', [6, 5]).cumprod({ axis });
}
B['reductions.cumsum_axis3_error'] = () => input('cum3', [4, 5, 6]).cumsum({ axis: 3 });
B['reductions.cumsum_i4_dtype'] = () => input('i4_5', 2).cumsum();

// dtype corners: accumulators of small ints and bools, NaN, empty inputs, ddof, axis=()
const r = (name: string): da.DaskArray => input(name, 3);
B['reductions.sum_bool'] = () => r('rb').sum();
B['reductions.mean_bool'] = () => r('rb').mean();
B['reductions.max_bool'] = () => r('rb').max();
B['reductions.cumsum_bool'] = () => r('rb').cumsum();
B['reductions.sum_i1'] = () => r('ri1').sum();
B['reductions.prod_i1'] = () => r('ri1').slice({ stop: 4 }).prod();
B['reductions.cumsum_i1'] = () => r('ri1').cumsum();
B['reductions.min_u1'] = () => r('ru1').min();
B['reductions.max_u2'] = () => r('ru2').max();
B['reductions.mean_u1'] = () => r('ru1').mean();
B['reductions.var_u2'] = () => r('ru2').var();
B['reductions.sum_f4'] = () => r('rf4').sum();
B['reductions.cumsum_f4'] = () => r('rf4').cumsum();
B['reductions.cumprod_f4'] = () => r('rf4').cumprod();
B['reductions.std_f4'] = () => r('rf4').std();
B['reductions.sum_i8_exact'] = () => r('rbig').sum();
B['reductions.max_i8_big'] = () => r('rbig').max();
B['reductions.min_i8_big'] = () => r('rbig').min();
B['reductions.argmax_i8_big'] = () => r('rbig').argmax();
B['reductions.cumsum_i8_big'] = () => r('rbig').cumsum();
B['reductions.min_nan_propagates'] = () => r('rnan').min();
B['reductions.max_nan_propagates'] = () => r('rnan').max();
B['reductions.argmax_nan_first'] = () => r('rnan').argmax();
B['reductions.argmin_nan_first'] = () => r('rnan').argmin();
B['reductions.nanmin_all_nan_row'] = () => input('rnan2', [1, 2]).nanmin({ axis: 1 });
B['reductions.nanmean_all_nan_row'] = () => input('rnan2', [1, 2]).nanmean({ axis: 1 });
B['reductions.nansum_all_nan_row'] = () => input('rnan2', [1, 2]).nansum({ axis: 1 });
B['reductions.any_nan'] = () => input('rnan2', [1, 2]).any({ axis: 1 });
B['reductions.all_nan'] = () => input('rnan2', [1, 2]).all({ axis: 0 });
B['reductions.cumsum_nan'] = () => r('rnan').cumsum();
const empty = (): da.DaskArray => da.ones([0], { chunks: 3 });
B['reductions.sum_empty'] = () => empty().sum();
B['reductions.prod_empty'] = () => empty().prod();
B['reductions.mean_empty'] = () => empty().mean();
B['reductions.any_empty'] = () => empty().any();
B['reductions.all_empty'] = () => empty().all();
B['reductions.min_empty_error'] = () => empty().min();
B['reductions.var_ddof_eq_n'] = () => da.fromArray([1, 3], { chunks: 1 }).var({ ddof: 2 });
B['reductions.std_ddof_past_n'] = () => da.fromArray([1, 3], { chunks: 1 }).std({ ddof: 3 });
B['reductions.sum_axis_empty_tuple'] = () => input('i4_5', 2).sum({ axis: [] });
B['reductions.max_axis_empty_tuple'] = () => input('f4_5', 2).max({ axis: [] });
B['reductions.argmin_axis1_keepdims'] = () => input('f8_10', [3, 4, 5]).argmin({ axis: 1, keepdims: true });
// many blocks: (100, 100) of (i * 7919 % 10007) / 10007 in chunks (7, 13), splitEvery 3
const big = (): da.DaskArray => da.arange(10000, { chunks: 1000 }).mul(7919).mod(10007).div(10007).reshape([100, 100]).rechunk([7, 13]);
type TreeFn = Fn | 'argmin' | 'argmax';
const TREE: [TreeFn, number | undefined][] = [
  ['sum', undefined],
  ['sum', 0],
  ['mean', 1],
  ['var', 0],
  ['std', undefined],
  ['min', 1],
  ['max', undefined],
  ['argmin', 0],
  ['argmax', 1],
  ['argmax', undefined],
  ['nansum', 1],
  ['prod', 0],
];
for (const [fn, axis] of TREE) {
  B[`reductions.tree_${fn}_axis${axis ?? 'all'}`] = () => {
    const x = fn === 'prod' ? big().add(0.5) : big();
    return fn === 'argmin' || fn === 'argmax' ? x[fn]({ axis, splitEvery: 3 }) : reduce(x, fn, { axis, splitEvery: 3 });
  };
}
B['reductions.tree_cumsum_1d'] = () => da.arange(1000, { chunks: 7 }).mod(17).sub(8).cumsum();
B['reductions.tree_cumprod_axis1'] = () => big().get(':10, :60').add(0.5).cumprod({ axis: 1 });
const ties = (): da.DaskArray => da.fromArray(BigInt64Array.from([1n, 5n, 5n, 5n, 0n, 0n, 5n, 0n]), { chunks: 1 });
B['reductions.argmax_ties_across_blocks'] = () => ties().argmax({ splitEvery: 2 });
B['reductions.argmin_ties_across_blocks'] = () => ties().argmin({ splitEvery: 2 });
B['reductions.argmax_ties_axis1'] = () => da.arange(300, { chunks: 7 }).reshape([10, 30]).mod(5).rechunk([3, 4]).argmax({ axis: 1 });

parityArea('reductions', B, AWAITING_FIX);
