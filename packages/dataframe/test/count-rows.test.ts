// len() of a frame read by the CSV scanner counts rows as the ranges are scanned (a keyless
// size aggregation fused into the reader, a last filter counted, not applied): the counts of a
// plain loop over the generated records, and of the unfused path. Also the kernel that counts
// a batch after row-wise steps, against a plain loop over the batch's values.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config } from '@tsdask/core-graph';
import { col, lit, readCSV, type DataFrame } from '@tsdask/dataframe';
import { countAfterSteps, type Step } from '../src/kernels/steps.js';
import type { ColumnData, Partition } from '../src/kernels/columns.js';
import type { ExprNode } from '../src/kernels/expr-node.js';
import { mulberry32 as rng } from '../../../test/support/seeded-random.js';
import { opsOf } from './graph-ops.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-count-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Rec = { k: string | null; i: number | null; v: number | null };
const FNS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
type Fn = (typeof FNS)[number];
const holds = (fn: Fn, a: number, b: number): boolean =>
  fn === 'eq' ? a === b : fn === 'ne' ? a !== b : fn === 'lt' ? a < b : fn === 'le' ? a <= b : fn === 'gt' ? a > b : a >= b;

function generate(seed: number, n: number): Rec[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({
    k: r() < 0.05 ? null : (['ATL', 'a,b', 'say "hi"', 'two\nlines'][Math.floor(r() * 4)] as string),
    i: r() < 0.1 ? null : Math.floor(r() * 21) - 10,
    v: r() < 0.1 ? null : Math.round((r() * 20 - 10) * 4) / 4,
  }));
}

const field = (x: string | number | null): string => {
  if (x === null) return '';
  const t = String(x);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

function writeCsv(name: string, recs: Rec[], eol: string): string {
  const p = join(dir, name);
  writeFileSync(p, ['k,i,v', ...recs.map((x) => [x.k, x.i, x.v].map(field).join(','))].join(eol) + eol);
  return p;
}

const recs = generate(5, 12000);
const lf = writeCsv('count-lf.csv', recs, '\n');
const crlf = writeCsv('count-crlf.csv', recs, '\r\n');

describe('len() over the CSV scanner', () => {
  for (const [name, path] of [
    ['LF', lf],
    ['CRLF', crlf],
  ] as const) {
    for (const scheduler of ['sync', 'threads'] as const) {
      it(`${name} on '${scheduler}': a compare filter either way round, a compound filter, none: a plain loop's counts, fused and unfused`, async () => {
        const cases: [string, (d: DataFrame) => DataFrame, (x: Rec) => boolean][] = [['no filter', (d) => d, () => true]];
        for (const fn of FNS) {
          cases.push([`i ${fn} 3`, (d) => d.filter(col('i')[fn](3)), (x) => x.i !== null && holds(fn, x.i, 3)]);
          cases.push([`2.5 ${fn} v`, (d) => d.filter(lit(2.5)[fn](col('v'))), (x) => x.v !== null && holds(fn, 2.5, x.v)]);
        }
        cases.push([
          'i > 0 & k != ATL',
          (d) => d.filter(col('i').gt(0).and(col('k').ne('ATL'))),
          (x) => x.i !== null && x.i > 0 && x.k !== null && x.k !== 'ATL',
        ]);
        cases.push([
          'v < 0 then i >= -5',
          (d) => d.filter(col('v').lt(0)).filter(col('i').ge(-5)),
          (x) => x.v !== null && x.v < 0 && x.i !== null && x.i >= -5,
        ]);
        for (const [what, build, keep] of cases) {
          const want = recs.filter(keep).length;
          const df = build(readCSV(path, { blocksize: 25_000 }));
          expect(df.npartitions, what).toBeGreaterThan(3);
          expect(await df.len({ scheduler }), what).toBe(want);
          const prev = config.set({ 'dataframe.fuseScanAggregate': false });
          try {
            expect(await build(readCSV(path, { blocksize: 25_000 })).len({ scheduler }), `${what}, unfused`).toBe(want);
          } finally {
            config.set({ 'dataframe.fuseScanAggregate': prev['dataframe.fuseScanAggregate'] });
          }
        }
      });
    }
  }

  it('reads in the fused task: no read task, no column built, no length task', async () => {
    const df = readCSV(lf, { blocksize: 25_000 }).filter(col('i').gt(3));
    const { countRows } = await import('../src/reductions.js');
    const ops = opsOf(countRows(df as never));
    expect(ops.filter((o) => o.endsWith('#readCsvAggregate'))).toHaveLength(df.npartitions);
    expect(ops.some((o) => o.endsWith('#readCsvRange') || o.endsWith('#length'))).toBe(false);
  });

  it('a file of only a header counts 0; the papaparse engine counts as the scanner does', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'k,i,v\n');
    expect(await readCSV(empty).len({ scheduler: 'sync' })).toBe(0);
    expect(await readCSV(empty).filter(col('i').ne('x')).len({ scheduler: 'sync' })).toBe(0);
    const want = recs.filter((x) => x.i !== null && x.i > 3).length;
    expect(await readCSV(lf, { engine: 'papaparse' }).filter(col('i').gt(3)).len({ scheduler: 'sync' })).toBe(want);
  });

  it('skipped malformed rows are not counted', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'g,v\na,1\nb,2\nc,3,4\nd,5\n');
    expect(await readCSV(bad, { onBadLines: 'skip' }).len({ scheduler: 'sync' })).toBe(3);
    expect(await readCSV(bad, { onBadLines: 'skip' }).filter(col('v').gt(1)).len({ scheduler: 'sync' })).toBe(2);
  });
});

describe('countAfterSteps', () => {
  const r = rng(99);
  const n = 5000;
  const f64 = Float64Array.from({ length: n }, () => (r() < 0.05 ? NaN : Math.floor(r() * 9) - 4));
  const i32 = Int32Array.from({ length: n }, () => Math.floor(r() * 9) - 4);
  const valid = Uint8Array.from({ length: n }, () => (r() < 0.1 ? 0 : 1));
  const cols: Record<string, ColumnData> = {
    f: { type: 'float64', values: f64, valid },
    g: { type: 'float64', values: f64 },
    n: { type: 'int32', values: i32, valid },
  };
  const p: Partition = { names: Object.keys(cols), columns: Object.values(cols), length: n };
  const present = (c: string, i: number): boolean => (cols[c] as ColumnData).valid?.[i] !== 0;
  const val = (c: string, i: number): number => (cols[c] as ColumnData).values[i] as number;
  const call = (fn: string, ...args: ExprNode[]): ExprNode => ({ e: 'call', fn, args });
  const c = (name: string): ExprNode => ({ e: 'col', name });
  const l = (value: number, type?: 'int32' | 'float64'): ExprNode => (type === undefined ? { e: 'lit', value } : { e: 'lit', value, type });

  it('a compare of a numeric column and a number, either way round, nulls and NaN included: a plain loop', () => {
    for (const name of ['f', 'g', 'n']) {
      for (const fn of FNS) {
        for (const x of [-4, 0, 1.5, 7, NaN]) {
          let want = 0;
          let flipped = 0;
          for (let i = 0; i < n; i++) {
            if (!present(name, i)) continue;
            if (holds(fn, val(name, i), x)) want++;
            if (holds(fn, x, val(name, i))) flipped++;
          }
          expect(countAfterSteps(p, [{ k: 'filter', expr: call(fn, c(name), l(x)) }]), `${name} ${fn} ${x}`).toBe(want);
          expect(countAfterSteps(p, [{ k: 'filter', expr: call(fn, l(x), c(name)) }]), `${x} ${fn} ${name}`).toBe(flipped);
        }
      }
    }
  });

  it('a literal typed int32 (truncated), other filters, and steps before the filter: a plain loop', () => {
    // lit(1.5) typed int32 is 1 as the evaluator reads it.
    let want = 0;
    for (let i = 0; i < n; i++) if (present('n', i) && val('n', i) > 1) want++;
    expect(countAfterSteps(p, [{ k: 'filter', expr: call('gt', c('n'), l(1.5, 'int32')) }])).toBe(want);
    want = 0;
    for (let i = 0; i < n; i++) if (present('f', i) && present('n', i) && val('f', i) < val('n', i)) want++;
    expect(countAfterSteps(p, [{ k: 'filter', expr: call('lt', c('f'), c('n')) }])).toBe(want);
    want = 0;
    for (let i = 0; i < n; i++) if (present('n', i) && val('n', i) > 0 && val('g', i) * 2 >= 3) want++;
    const steps: Step[] = [
      { k: 'filter', expr: call('gt', c('n'), l(0)) },
      { k: 'with', exprs: [['h', call('mul', c('g'), l(2))]] },
      { k: 'filter', expr: call('ge', c('h'), l(3)) },
    ];
    expect(countAfterSteps(p, steps)).toBe(want);
    expect(countAfterSteps(p, [{ k: 'drop', names: ['g'] }])).toBe(n);
    expect(countAfterSteps(p, [])).toBe(n);
  });
});
