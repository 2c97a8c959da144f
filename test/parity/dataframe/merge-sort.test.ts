/**
 * Parity: merge and sortValues / setIndex against pandas on the same bytes (cases ported from
 * Dask's test_multi.py and test_shuffle.py; the reference is reference.json, see
 * gen_reference.py). Inputs are read in small byte ranges: merges of several partitions take
 * the hash-shuffle join (and, where a side is one partition, the broadcast join); sorts split
 * 150 rows over several partitions. Sorts are compared row by row in pandas' stable order.
 */
import { describe, expect, it } from 'vitest';
import { col, lit, readCSV, type DataFrame, type MergeOptions } from '@tsdask/dataframe';
import { compare, data, fromFrame, missingCases, parityCase, type Answer } from './parity.js';

const read = (name: string, blocksize: number): DataFrame => readCSV(data(name), { blocksize, ...(name.startsWith('date') ? { parseDates: ['d'] } : {}) });
const A = () => read('merge_a.csv', 8);
const B = () => read('merge_b.csv', 8);
const L = () => read('left.csv', 100);
const R = () => read('right.csv', 100);
const run = (df: DataFrame) => fromFrame(df, 'threads');

function sortFrame(): DataFrame {
  const df = readCSV(data('sort.csv'), { blocksize: 1000, parseDates: ['t'] });
  expect(df.npartitions).toBeGreaterThan(3);
  return df;
}

const CASES: Record<string, () => Promise<Answer>> = {
  'merge/test_cheap_single_partition_merge': async () => {
    const r = readCSV(data('right.csv'));
    expect(r.npartitions).toBe(1);
    return run(L().merge(r, { on: ['k1', 'k2'] }));
  },
  'merge/test_nullable_types_merge': () => run(read('null_keys_left.csv', 10).merge(read('null_keys_right.csv', 10), { on: 'a' })),
  'merge/test_nullable_types_merge/sql_nulls': () => run(read('null_keys_left.csv', 10).merge(read('null_keys_right.csv', 10), { on: 'a', nullsEqual: false })),
  'merge/test_merge_outer_empty': () => run(A().filter(col('x').gt(100)).merge(B(), { on: 'y', how: 'outer' })),
  'merge/test_merge_empty_left_df': () => run(A().filter(col('x').gt(100)).merge(B(), { on: 'y', how: 'inner' })),
  'merge/test_sequential_joins': async () => {
    const { fromRecords } = await import('@tsdask/dataframe');
    // Dask's C is built in memory there too (pd.DataFrame in the generator).
    const C = fromRecords(
      [1, 2, 3, 4, 5, 6].map((z, i) => ({ z, w: 'uvwxyz'[i] as string })),
      { npartitions: 2 },
    );
    return run(A().merge(B(), { on: 'y' }).merge(C, { on: 'z' }));
  },
  'merge/test_merge_maintains_columns': () => run(L().select('lv', 'k1').merge(R().select('k1', 'rv'), { on: 'k1' })),
  'merge/test_merge_then_groupby': () =>
    run(
      L()
        .merge(R(), { on: 'k1' })
        .groupBy('k2_x')
        .agg({ s: ['rv', 'sum'] }),
    ),
  'sort/test_sort_values/a': () => run(sortFrame().sortValues('a')),
  'sort/test_sort_values/a_desc': () => run(sortFrame().sortValues('a', { ascending: false })),
  'sort/test_sort_values/s': () => run(sortFrame().sortValues('s', { npartitions: 3 })),
  'sort/test_sort_values_single_partition': async () => {
    const df = readCSV(data('sort.csv'), { parseDates: ['t'] });
    expect(df.npartitions).toBe(1);
    return run(df.sortValues(['a', 's']));
  },
  'sort/test_sort_values_with_nulls/asc': () => run(sortFrame().sortValues('b')),
  'sort/test_sort_values_with_nulls/desc': () => run(sortFrame().sortValues('b', { ascending: false })),
  'sort/test_shuffle_by_as_list': () => run(sortFrame().sortValues(['a'])),
  'sort/test_sort_values_bool_ascending': () => run(sortFrame().sortValues(['a', 'b'], { ascending: [true, false] })),
  'sort/test_sort_values_custom_function': () => run(sortFrame().sortValues(['s', 'a'], { ascending: [false, true] })),
  'sort/test_sort_values_timestamp': () => run(sortFrame().sortValues('t')),
  'sort/test_set_index': () => run(sortFrame().setIndex('a')),
  'sort/test_set_index_string': () => run(sortFrame().setIndex('s', { npartitions: 2 })),
  'sort/test_sort_values_tasks_backend': () => run(sortFrame().filter(col('a').gt(5)).sortValues('b', { npartitions: 5 })),
  'merge/negative_zero_key': () => run(read('neg_zero.csv', 8).merge(read('neg_zero_right.csv', 8), { on: 'v' })),
  'sort/dates_desc_with_missing': () => run(read('date_groups.csv', 16).sortValues('d', { ascending: false })),
  'sort/test_set_index_empty_partition': () => run(sortFrame().filter(col('i').ge(140)).sortValues('b')),
  'sort/test_set_index_sorted_min_max_same': () =>
    run(
      sortFrame()
        .withColumns({ c: lit(1) })
        .sortValues('c'),
    ),
  'sort/test_set_index_npartitions': async () => {
    const one = await run(sortFrame().setIndex('s', { npartitions: 1 }));
    compare('sort/test_set_index_npartitions', one);
    return run(sortFrame().setIndex('s', { npartitions: 9 }));
  },
  'sort/test_sort_values_partitions_meta_dtype_with_divisions': () => run(sortFrame().sortValues(['b', 'i'], { ascending: [false, true] })),
  'merge/test_merge/string_keys_with_nulls/shuffle': () =>
    run(read('str_keys_left.csv', 6).merge(read('str_keys_right.csv', 6), { on: 'k', how: 'outer', broadcast: false })),
  'merge/test_merge/string_keys_with_nulls/broadcast': () =>
    run(read('str_keys_left.csv', 6).merge(read('str_keys_right.csv', 6), { on: 'k', how: 'outer', broadcast: true })),
  'sort/test_sort_values_with_nulls/two_keys': () => run(read('sort_two_keys.csv', 8).sortValues(['a', 'b'])),
  'sort/test_sort_values_with_nulls/two_keys_desc': () => run(read('sort_two_keys.csv', 8).sortValues(['a', 'b'], { ascending: [false, false] })),
};

for (const how of ['inner', 'left', 'right', 'outer'] as const) {
  const m = (l: DataFrame, r: DataFrame, o: MergeOptions) => run(l.merge(r, { how, ...o }));
  CASES[`merge/test_merge/on_y/${how}`] = () => m(A(), B(), { on: 'y' });
  CASES[`merge/test_merge/left_on_right_on/${how}`] = () => m(A(), B(), { leftOn: 'x', rightOn: 'z' });
  CASES[`merge/test_merge/suffixes/${how}`] = () => m(A().withColumns({ z: col('x').mul(10) }), B(), { on: 'y', suffixes: ['1', '2'] });
  CASES[`merge/test_cheap_single_partition_merge_left_right/${how}`] = () => m(L(), R(), { on: ['k1', 'k2'], broadcast: true });
  CASES[`merge/test_merge_tasks_passes_through/${how}`] = () => m(L(), R(), { on: 'k2', npartitions: 7, broadcast: false });
  CASES[`merge/test_merge_by_multiple_columns/${how}`] = () => m(L(), R(), { on: ['k1', 'k2'] });
}

describe('parity: merge and sort vs pandas (Dask test_multi.py, test_shuffle.py)', () => {
  it('every merge/ and sort/ reference case has a test here', () => {
    expect(missingCases('merge/', Object.keys(CASES))).toEqual([]);
    expect(missingCases('sort/', Object.keys(CASES))).toEqual([]);
  });
  for (const [id, runCase] of Object.entries(CASES)) parityCase(id, runCase);
});
