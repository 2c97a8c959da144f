/**
 * Parity: groupBy aggregations against pandas on the same bytes (cases ported from Dask's
 * test_groupby.py; the reference is reference.json, see gen_reference.py). data/groups.csv
 * (240 rows, keys with gaps and a one-row group) is read in 1 KiB ranges, so the partial
 * aggregates of several partitions are combined.
 */
import { describe, expect, it } from 'vitest';
import { col, readCSV, type DataFrame } from '@tsdask/dataframe';
import { data, fromFrame, missingCases, parityCase, type Answer } from './parity.js';

function groups(): DataFrame {
  const df = readCSV(data('groups.csv'), { blocksize: 1024 });
  expect(df.npartitions).toBeGreaterThan(4);
  return df;
}
const run = (df: DataFrame) => fromFrame(df, 'threads');
const negZero = (): DataFrame => readCSV(data('neg_zero.csv'), { blocksize: 8 });
const dateGroups = (): DataFrame => readCSV(data('date_groups.csv'), { blocksize: 16, parseDates: ['d'] });

const CASES: Record<string, () => Promise<Answer>> = {
  'groupby/test_full_groupby/size': () => run(groups().groupBy('k').size()),
  'groupby/test_groupby_multilevel_agg': () =>
    run(
      groups()
        .groupBy(['k', 'g'])
        .agg({ xs: ['x', 'sum'], ym: ['y', 'mean'] }),
    ),
  'groupby/test_dataframe_groupby_nunique': () =>
    run(
      groups()
        .groupBy('k')
        .agg({ n: ['g', 'nunique'] }),
    ),
  'groupby/test_series_groupby': () =>
    run(
      groups()
        .groupBy('g')
        .agg({ x: ['x', 'sum'] }),
    ),
  'groupby/test_groupby_dropna_pandas': () =>
    run(
      groups()
        .groupBy('k', { dropna: false })
        .agg({ x: ['x', 'sum'] }),
    ),
  'groupby/test_aggregate_single_element_groups': () =>
    run(
      groups()
        .groupBy('k')
        .agg({ s: ['y', 'std'], v: ['x', 'var'], m: ['x', 'mean'] }),
    ),
  'groupby/test_shuffle_aggregate': () =>
    run(
      groups()
        .groupBy(['k', 'g'], { splitOut: 3 })
        .agg({ xs: ['x', 'sum'], ymax: ['y', 'max'], n: ['x', 'size'] }),
    ),
  'groupby/test_groupby_split_out_num': () =>
    run(
      groups()
        .groupBy('x', { splitOut: 4 })
        .agg({ n: ['g', 'size'], ys: ['y', 'sum'] }),
    ),
  'groupby/test_split_out_multi_column_groupby': () =>
    run(
      groups()
        .groupBy(['g', 'x'], { splitOut: 2 })
        .agg({ ym: ['y', 'mean'] }),
    ),
  'groupby/test_hash_groupby_aggregate': () =>
    run(
      groups()
        .groupBy('g', { splitOut: 2, splitEvery: 2 })
        .agg({ xs: ['x', 'sum'], yc: ['y', 'count'] }),
    ),
  'groupby/test_std_columns_int': () =>
    run(
      groups()
        .groupBy('g')
        .agg({ s: ['x', 'std'] }),
    ),
  'groupby/test_rounding_negative_var': async () => {
    const got = await run(
      groups()
        .groupBy('g')
        .agg({ v: ['c', 'var'], s: ['c', 'std'] }),
    );
    for (const r of got.rows) expect(r[1] as number).toBeGreaterThanOrEqual(0);
    return got;
  },
  'groupby/test_dataframe_named_agg': () =>
    run(
      groups()
        .groupBy('k')
        .agg({ a: ['x', 'sum'], b: ['y', 'max'], c: ['y', 'first'], d: ['y', 'last'] }),
    ),
  'groupby/test_groupby_with_row_operations': () =>
    run(
      groups()
        .filter(col('x').gt(0))
        .withColumns({ z: col('x').mul(2) })
        .groupBy('k')
        .agg({ z: ['z', 'sum'] }),
    ),
  'groupby/test_groupby_empty_partitions_with_rows_operation': () =>
    run(
      groups()
        .filter(col('x').gt(45))
        .groupBy('k')
        .agg({ n: ['x', 'size'] }),
    ),
  'groupby/test_groupby_value_counts': () => run(groups().groupBy(['k', 'g']).size()),
  'groupby/test_groupby_numeric_only_true': () => run(groups().select('g', 'x', 'y').groupBy('g').mean()),
  'groupby/test_groupby_var_dropna_observed': () =>
    run(
      groups()
        .groupBy('g')
        .agg({ v: ['y', 'var'] }),
    ),
  'groupby/test_groupby_large_ints_exception': () =>
    run(
      groups()
        .withColumns({ big: col('g').mul(2 ** 51) })
        .groupBy('big')
        .agg({ n: ['x', 'size'], xs: ['x', 'sum'] }),
    ),
  'groupby/test_groupby_string_label': () =>
    run(
      groups()
        .groupBy('k')
        .agg({ m: ['g', 'max'] }),
    ),
  'groupby/test_groupby_sort_argument': () =>
    run(
      groups()
        .groupBy(['g', 'k'])
        .agg({ mn: ['x', 'min'] }),
    ),
  'groupby/test_series_aggregations_multilevel': () =>
    run(
      groups()
        .groupBy(['g'])
        .agg({ c: ['k', 'count'] }),
    ),
  'groupby/test_groupby_agg_on_string': () =>
    run(
      groups()
        .groupBy('g')
        .agg({ lo: ['k', 'min'], hi: ['k', 'max'] }),
    ),
  'groupby/test_with_min_count': () =>
    run(
      readCSV(data('allnull.csv'), { blocksize: 8 })
        .groupBy('k')
        .agg({ s: ['v', 'sum'], m: ['v', 'mean'], c: ['v', 'count'], n: ['v', 'size'] }),
    ),
  'groupby/test_groupby_on_float_key': () =>
    run(
      readCSV(data('nulls.csv'), { blocksize: 16, dtypes: { x: 'float64', z: 'float64' } })
        .groupBy('x')
        .agg({ z: ['z', 'sum'] }),
    ),
  'groupby/test_groupby_on_bool_key': () =>
    run(
      readCSV(data('bools.csv'), { blocksize: 10 })
        .groupBy('b')
        .agg({ k: ['k', 'sum'] }),
    ),
  'groupby/negative_zero_key': () =>
    run(
      negZero()
        .groupBy('v', { dropna: false })
        .agg({ n: ['n', 'sum'] }),
    ),
  'groupby/date_key': () =>
    run(
      dateGroups()
        .groupBy('d')
        .agg({ s: ['x', 'sum'] }),
    ),
  'groupby/min_max_of_dates': () =>
    run(
      dateGroups()
        .withColumns({ g: col('x').mod(2) })
        .groupBy('g')
        .agg({ lo: ['d', 'min'], hi: ['d', 'max'] }),
    ),
};

CASES['groupby/test_groupby_reduction_split/string_first'] = () =>
  run(
    groups()
      .groupBy('g', { splitEvery: 2 })
      .agg({ f: ['k', 'first'], l: ['k', 'last'] }),
  );
const AGG_FNS = ['sum', 'mean', 'min', 'max', 'count', 'size', 'std', 'var', 'first', 'last', 'nunique'] as const;
for (const fn of AGG_FNS) {
  CASES[`groupby/test_dataframe_aggregations_multilevel/${fn}/split_every_2`] = () =>
    run(
      groups()
        .groupBy('k', { splitEvery: 2 })
        .agg({ out: ['y', fn] }),
    );
  CASES[`groupby/test_dataframe_aggregations_multilevel/${fn}/split_out_3`] = () =>
    run(
      groups()
        .groupBy('k', { splitOut: 3 })
        .agg({ out: ['y', fn] }),
    );
}

const twoKeys = (): DataFrame => readCSV(data('two_keys.csv'), { blocksize: 8 });
CASES['groupby/test_groupby_dropna_pandas/two_keys'] = () =>
  run(
    twoKeys()
      .groupBy(['a', 'b'])
      .agg({ s: ['v', 'sum'] }),
  );
CASES['groupby/test_groupby_dropna_pandas/two_keys_kept'] = () =>
  run(
    twoKeys()
      .groupBy(['a', 'b'], { dropna: false })
      .agg({ s: ['v', 'sum'] }),
  );

const SHORTCUTS = ['sum', 'mean', 'min', 'max', 'count', 'std', 'var'] as const;
for (const fn of SHORTCUTS) {
  CASES[`groupby/test_full_groupby/${fn}`] =
    fn === 'std' || fn === 'var'
      ? () =>
          run(
            groups()
              .groupBy('k')
              .agg({ x: ['x', fn], y: ['y', fn] }),
          )
      : () => run(groups().select('k', 'x', 'y').groupBy('k')[fn]());
}

describe('parity: groupBy vs pandas (Dask test_groupby.py)', () => {
  it('every groupby/ reference case has a test here', () => {
    expect(missingCases('groupby/', Object.keys(CASES))).toEqual([]);
  });
  for (const [id, runCase] of Object.entries(CASES)) parityCase(id, runCase);
});
