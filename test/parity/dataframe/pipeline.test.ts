/**
 * Parity: chains of verbs (filter, derive, select, rename, groupBy, merge, sort, head,
 * dropDuplicates) against pandas on the same bytes, so that the plan's rewrites (projection
 * pushdown, fused steps, scan-aggregate fusion) are checked end to end. Cases adapt Dask tests
 * (cited); the reference is reference.json, see gen_reference.py.
 */
import { describe, expect, it } from 'vitest';
import { col, readCSV, type DataFrame } from '@tsdask/dataframe';
import { data, fromFrame, fromTable, missingCases, parityCase, scalar, type Answer } from './parity.js';

const S = { scheduler: 'threads' } as const;
const groups = (): DataFrame => readCSV(data('groups.csv'), { blocksize: 1024 });
const L = () => readCSV(data('left.csv'), { blocksize: 100 });
const R = () => readCSV(data('right.csv'), { blocksize: 100 });
const srt = () => readCSV(data('sort.csv'), { blocksize: 1000, parseDates: ['t'] });
const run = (df: DataFrame) => fromFrame(df, 'threads');

const CASES: Record<string, () => Promise<Answer>> = {
  'pipe/filter_select_groupby': () =>
    run(
      groups()
        .filter(col('x').gt(-10))
        .select('k', 'y')
        .groupBy('k')
        .agg({ y: ['y', 'mean'] }),
    ),
  'pipe/derive_filter_sort_head': async () =>
    fromTable(
      await groups()
        .withColumns({ z: col('x').mul(col('g')).sub(3) })
        .filter(col('z').gt(0))
        .sortValues(['z', 'x'], { ascending: [false, true] })
        .head(7, S),
    ),
  'pipe/merge_filter_groupby': () =>
    run(
      L()
        .merge(R(), { on: ['k1', 'k2'], how: 'left' })
        .filter(col('rv').isNotNull())
        .groupBy('k2')
        .agg({ s: ['rv', 'sum'], n: ['lv', 'size'] }),
    ),
  'pipe/sort_then_drop_duplicates': () => run(groups().sortValues('x', { ascending: false }).dropDuplicates('g')),
  'pipe/rename_then_groupby': () =>
    run(
      groups()
        .rename({ k: 'key' })
        .groupBy('key')
        .agg({ n: ['x', 'count'] }),
    ),
  'pipe/alias_then_sort': () => run(srt().select('i', col('a').neg().alias('neg')).sortValues('neg')),
  'pipe/len_after_filter': async () =>
    scalar(
      await groups()
        .filter(col('x').gt(0).and(col('y').lt(10)))
        .len(S),
    ),
  'pipe/describe_after_filter': async () => fromTable(await groups().filter(col('g').eq(2)).select('x').describe().compute(S)),
  'pipe/mean_of_derived': async () =>
    scalar(
      await groups()
        .withColumns({ d: col('x').mul(2).add(col('y')) })
        .col('d')
        .mean()
        .compute(S),
    ),
  'pipe/select_unread_filter_column': () => run(groups().filter(col('y').gt(12)).select('k')),
  'pipe/value_counts_after_filter': () => run(groups().filter(col('x').gt(0)).col('k').valueCounts()),
  'pipe/groupby_then_sort': () =>
    run(
      groups()
        .groupBy('k')
        .agg({ s: ['x', 'sum'] })
        .sortValues('s'),
    ),
};

describe('parity: pipelines vs pandas', () => {
  it('every pipe/ reference case has a test here', () => {
    expect(missingCases('pipe/', Object.keys(CASES))).toEqual([]);
  });
  for (const [id, runCase] of Object.entries(CASES)) parityCase(id, runCase);
});
