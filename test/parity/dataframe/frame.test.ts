/**
 * Parity: row-wise frame operations and whole-column reductions against pandas on the same
 * bytes (cases ported from Dask's test_dataframe.py and test_arithmetics_reduction.py; the
 * reference is reference.json, see gen_reference.py). Frames are read from data/*.csv in
 * small byte ranges, so every case runs over several partitions.
 */
import { describe, expect, it } from 'vitest';
import { col, lit, readCSV, when, type DataFrame, type Series } from '@tsdask/dataframe';
import { data, fromFrame, fromTable, missingCases, parityCase, scalar, type Answer } from './parity.js';

const S = { scheduler: 'threads' } as const;

/** test_dataframe.py's `d` (a, b; 40 bytes) in about three partitions. */
function ab(): DataFrame {
  const df = readCSV(data('ab.csv'), { blocksize: 12 });
  expect(df.npartitions).toBeGreaterThan(2);
  return df;
}
/** test_dropna's frame (x, y, z floats with gaps, s strings with gaps) in several partitions. */
function nulls(): DataFrame {
  const df = readCSV(data('nulls.csv'), { blocksize: 16, dtypes: { x: 'float64', y: 'float64', z: 'float64', s: 'utf8' } });
  expect(df.npartitions).toBeGreaterThan(2);
  return df;
}
/** The 240-row frame of the groupby cases, in several partitions. */
function groups(): DataFrame {
  const df = readCSV(data('groups.csv'), { blocksize: 1024 });
  expect(df.npartitions).toBeGreaterThan(2);
  return df;
}

/** 0..59 in ranges of 20 bytes (several partitions). */
function seq(): DataFrame {
  const df = readCSV(data('seq.csv'), { blocksize: 20 });
  expect(df.npartitions).toBeGreaterThan(4);
  return df;
}
const value = (s: () => { compute(o: typeof S): Promise<unknown> }) => async (): Promise<Answer> => scalar(await s().compute(S));

const CASES: Record<string, () => Promise<Answer>> = {
  'frame/test_head_tail/head2': async () => fromTable(await ab().head(2, S)),
  'frame/test_head_tail/head5': async () => fromTable(await ab().head(5, S)),
  'frame/test_head_npartitions': async () => fromTable(await ab().head(8, S)),
  'frame/test_column_names': async () => {
    const df = ab().select('b', 'a');
    expect(df.columns).toEqual(['b', 'a']);
    return fromFrame(df, 'threads');
  },
  'frame/test_rename_columns': async () => fromFrame(ab().rename({ a: 'A', b: 'B' }), 'threads'),
  'frame/test_rename_dict': async () => fromFrame(ab().rename({ b: 'bb' }), 'threads'),
  'frame/test_drop_columns': async () => fromFrame(ab().drop('b'), 'threads'),
  'frame/test_assign': async () => fromFrame(ab().withColumns({ c: col('a').add(1), e: col('a').add(col('b')) }), 'threads'),
  'frame/test_setitem': async () =>
    fromFrame(
      ab()
        .withColumns({ c: col('a').mul(col('b')) })
        .withColumns({ a: col('a').sub(10) }),
      'threads',
    ),
  'frame/test_query': async () => fromFrame(ab().filter(col('a').pow(2).gt(col('b'))), 'threads'),
  'frame/test_mod_eq': async () => fromFrame(ab().filter(col('a').mod(2).eq(1)), 'threads'),
  'frame/test_isin': async () => fromFrame(ab().filter(col('a').isIn([1, 5, 9, 100])), 'threads'),
  'frame/test_len': async () => scalar(await ab().len(S)),
  'frame/test_len/filtered': async () => scalar(await ab().filter(col('a').gt(4)).len(S)),
  'frame/test_abs': async () =>
    fromFrame(
      ab()
        .withColumns({ c: col('b').sub(col('a')) })
        .withColumns({ c: col('c').abs() }),
      'threads',
    ),
  'frame/test_repartition_npartitions': async () => {
    const df = ab().repartition({ npartitions: 2 });
    expect(df.npartitions).toBe(2);
    return fromFrame(df, 'threads');
  },
  'frame/test_get_partition': async () => {
    const df = ab();
    const parts = await Promise.all(Array.from({ length: df.npartitions }, (_, i) => fromFrame(df.getPartition(i), 'threads')));
    return { columns: df.columns, rows: parts.flatMap((p) => p.rows) };
  },
  'frame/test_dropna': async () => fromFrame(nulls().filter(col('y').isNotNull()), 'threads'),
  'frame/test_dropna/all': async () =>
    fromFrame(nulls().filter(col('x').isNotNull().and(col('y').isNotNull()).and(col('z').isNotNull()).and(col('s').isNotNull())), 'threads'),
  'frame/test_fillna': async () => fromFrame(nulls().withColumns({ x: col('x').fillNull(100), s: col('s').fillNull('?') }), 'threads'),
  'frame/test_isna': async () =>
    fromFrame(nulls().select(col('x').isNull().alias('x'), col('s').isNull().alias('s'), col('z').isNotNull().alias('z')), 'threads'),
  'frame/test_where_mask': async () =>
    fromFrame(
      ab().select(when(col('a').gt(4)).then(col('a')).otherwise(lit(0)).alias('a'), when(col('b').gt(2)).then(lit(-1)).otherwise(col('b')).alias('b')),
      'threads',
    ),
  'frame/test_embarrassingly_parallel_operations': async () =>
    fromFrame(nulls().select(col('x').cast('float64').alias('x'), col('x').fillNull(100).alias('f')), 'threads'),
  'frame/test_astype/int_to_float': async () => fromFrame(ab().withColumns({ a: col('a').cast('float64'), b: col('b').cast('float64') }), 'threads'),
  'frame/test_astype/float_to_str': async () => fromFrame(nulls().select(col('z').div(2).cast('utf8').alias('x')), 'threads'),
  'frame/test_astype/int_to_str': async () => fromFrame(ab().select(col('a').cast('utf8').alias('a')), 'threads'),
  'frame/test_round': async () => {
    const df = readCSV(data('round.csv'), { blocksize: 10 });
    return fromFrame(df.select(col('v').round().alias('v')), 'threads');
  },
  'frame/test_drop_duplicates': async () => fromFrame(groups().select('k', 'g').dropDuplicates(), 'threads'),
  'frame/test_drop_duplicates_subset': async () => fromFrame(groups().select('k', 'g', 'x').dropDuplicates('g'), 'threads'),
  'frame/test_value_counts': async () => fromFrame(groups().valueCounts('g'), 'threads'),
  'frame/test_value_counts_with_dropna': async () => fromFrame(groups().col('k').valueCounts(), 'threads'),
  'frame/test_nunique': async () => {
    const r = await groups().nunique().compute(S);
    return { columns: Object.keys(r), rows: [Object.values(r)] };
  },
  'frame/test_nunique/series': value(() => groups().col('k').nunique()),
  'frame/test_describe_numeric': async () => fromTable(await groups().select('x', 'y').describe().compute(S)),
  'frame/test_sort_values_then_head': async () => fromTable(await groups().sortValues('x', { ascending: false }).head(3, S)),
  'frame/test_arithmetics': async () =>
    fromFrame(
      ab().select(
        col('a').add(col('b')).alias('add'),
        col('a').sub(col('b')).alias('sub'),
        col('a').mul(col('b')).alias('mul'),
        col('a').div(col('b')).alias('div'),
        col('a').pow(2).alias('pow'),
      ),
      'threads',
    ),
  'frame/test_arithmetics/mod': async () => {
    const df = readCSV(data('mod.csv'), { blocksize: 10 });
    return fromFrame(df.select(col('x').mod(col('y')).alias('m'), col('x').cast('float64').mod(2.5).alias('fm')), 'threads');
  },
  'frame/test_arithmetics/mod_by_zero': async () => fromFrame(ab().select(col('a').mod(col('b')).alias('m')), 'threads'),
  'frame/test_series_comparison_nan': async () => fromFrame(nulls().filter(col('x').ne(3)), 'threads'),
  'frame/test_series_comparison_nan/lt': async () => fromFrame(nulls().filter(col('x').lt(4)), 'threads'),
  'frame/test_reductions/groups.x.std': value(() => groups().col('x').std()),
  'frame/test_reductions/groups.y.mean': value(() => groups().col('y').mean()),
  'frame/test_reductions/string.min_max': async () => {
    const df = nulls();
    const [lo, hi] = await Promise.all([df.col('s').min().compute(S), df.col('s').max().compute(S)]);
    return { columns: ['min', 'max'], rows: [[lo, hi]] };
  },
  'frame/test_sum_intna': async () => {
    const df = groups().withColumns({ k2: when(col('g').gt(0)).then(col('g')).otherwise(lit(null)) });
    expect(df.dtypes['k2']).toBe('int64');
    return scalar(await df.col('k2').sum().compute(S));
  },
  'frame/test_empty_df_reductions/sum': value(() => ab().filter(col('a').gt(100)).col('a').sum()),
  'frame/test_empty_df_reductions/count': value(() => ab().filter(col('a').gt(100)).col('a').count()),
  'frame/test_empty_df_reductions/mean': value(() => ab().filter(col('a').gt(100)).col('a').mean()),
  'frame/test_series_agg_with_min_count/all_missing_sum': value(() => readCSV(data('allnull.csv'), { blocksize: 8 }).filter(col('k').eq('b')).col('v').sum()),
  'frame/test_drop_duplicates/with_nulls': async () => fromFrame(nulls().select('s').dropDuplicates(), 'threads'),
  'frame/test_nunique/with_nulls': value(() => nulls().col('s').nunique()),
  'frame/test_describe': async () => fromTable(await nulls().select('x', 'y', 'z').describe().compute(S)),
  'frame/negative_zero_nunique': value(() => readCSV(data('neg_zero.csv'), { blocksize: 8 }).col('v').nunique()),
  'frame/negative_zero_drop_duplicates': async () => fromFrame(readCSV(data('neg_zero.csv'), { blocksize: 8 }).select('v').dropDuplicates(), 'threads'),
  'frame/test_repartition_npartitions_numeric_edge_case': async () => {
    const df = ab().repartition({ npartitions: 20 });
    return fromFrame(df, 'threads');
  },
  'frame/test_map_partitions': async () =>
    fromFrame(
      ab().mapPartitions((t) => t.select(['b'])),
      'sync',
    ),
  'frame/test_dtype_cast': async () =>
    fromFrame(
      ab().select(col('a').cast('int32').alias('i32'), col('b').cast('float64').alias('f'), col('a').cast('utf8').cast('float64').alias('s')),
      'threads',
    ),
  'frame/test_reductions_frame_dtypes/timestamp_min_max': async () => {
    const df = readCSV(data('sort.csv'), { blocksize: 1000, parseDates: ['t'] });
    const [lo, hi] = await Promise.all([df.col('t').min().compute(S), df.col('t').max().compute(S)]);
    return { columns: ['min', 'max'], rows: [[lo, hi]] };
  },
  'frame/test_drop_duplicates/two_columns_with_nulls': async () =>
    fromFrame(readCSV(data('two_keys.csv'), { blocksize: 8 }).select('a', 'b').dropDuplicates(), 'threads'),
  'frame/test_head_npartitions/after_filter': async () => fromTable(await seq().filter(col('a').gt(50)).head(3, S)),
  'frame/test_head_npartitions/more_than_rows': async () => fromTable(await seq().filter(col('a').gt(57)).head(5, S)),
  'frame/test_value_counts/float_with_missing': async () => fromFrame(readCSV(data('float_counts.csv'), { blocksize: 4 }).col('f').valueCounts(), 'threads'),
};

const REDUCTIONS = ['sum', 'mean', 'min', 'max', 'count', 'std', 'var'] as const;
for (const c of ['x', 'y', 'z']) {
  for (const fn of REDUCTIONS) {
    CASES[`frame/test_reductions/${c}.${fn}`] = value(() => (nulls().col(c) as Series)[fn]());
  }
}

describe('parity: frame operations and reductions vs pandas (Dask test_dataframe.py, test_arithmetics_reduction.py)', () => {
  it('every frame/ reference case has a test here', () => {
    expect(missingCases('frame/', Object.keys(CASES))).toEqual([]);
  });
  for (const [id, run] of Object.entries(CASES)) parityCase(id, run);
});
