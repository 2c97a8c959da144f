/**
 * Parity: expression functions (string and date accessors, between, isIn, when/then) against
 * pandas on the same bytes (cases ported from Dask's test_accessors.py and test_dataframe.py;
 * the reference is reference.json, see gen_reference.py). Inputs are read in small ranges.
 */
import { describe, expect, it } from 'vitest';
import { col, lit, readCSV, when, type DataFrame, type Expr } from '@tsdask/dataframe';
import { data, fromFrame, missingCases, parityCase, type Answer } from './parity.js';

const strings = (): DataFrame => readCSV(data('strings.csv'), { blocksize: 16, dtypes: { id: 'int64', s: 'utf8' }, nullValues: [''] });
const stamps = (): DataFrame => readCSV(data('timestamps.csv'), { blocksize: 20, parseDates: ['t'] });
const ab = (): DataFrame => readCSV(data('ab.csv'), { blocksize: 12 });
const run = (df: DataFrame) => fromFrame(df, 'threads');

const STR: Record<string, (s: Expr) => Expr> = {
  lower: (s) => s.lower(),
  upper: (s) => s.upper(),
  strip: (s) => s.strip(),
  len: (s) => s.len(),
  contains: (s) => s.contains('an'),
  startswith: (s) => s.startsWith('Gr'),
  endswith: (s) => s.endsWith('e'),
};
const DT = ['year', 'month', 'day', 'hour', 'minute', 'weekday'] as const;

const CASES: Record<string, () => Promise<Answer>> = {
  'expr/test_between': () => run(ab().filter(col('a').between(3, 6))),
  'expr/test_isin/strings': () => run(strings().filter(col('s').isIn(['Grüße', 'banana', 'nope']))),
  'expr/test_where_mask/multiple': () =>
    run(ab().select(when(col('a').lt(3)).then(lit('low')).when(col('a').lt(6)).then(lit('mid')).otherwise(lit('high')).alias('c'))),
  'expr/test_clip_by_where': () => run(ab().select(when(col('a').lt(2)).then(lit(2)).when(col('a').gt(5)).then(lit(5)).otherwise(col('a')).alias('a'))),
};
for (const [name, f] of Object.entries(STR)) CASES[`expr/test_str_accessor/${name}`] = () => run(strings().select('id', f(col('s')).alias('out')));
for (const name of DT) CASES[`expr/test_dt_accessor/${name}`] = () => run(stamps().select('id', col('t')[name]().alias('out')));

describe('parity: expressions vs pandas (Dask test_accessors.py, test_dataframe.py)', () => {
  it('every expr/ reference case has a test here', () => {
    expect(missingCases('expr/', Object.keys(CASES))).toEqual([]);
  });
  for (const [id, runCase] of Object.entries(CASES)) parityCase(id, runCase);
});
