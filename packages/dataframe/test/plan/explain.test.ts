/**
 * df.explain(): the plan before and after the optimizer, as indented trees. The must-show
 * query (readCSV -> filter -> groupBy -> merge -> sortValues) over a generated CSV: the text
 * shows the filter and the column choice inside the CSV reader, and the result equals a plain
 * loop over the same generated records.
 */
import { describe, expect, it } from 'vitest';
import { col, fromRecords, readCSV } from '@tsdask/dataframe';
import { tempFiles } from '../temp-files.js';

interface Sale {
  id: number;
  region: string;
  product: string;
  price: number;
  qty: number;
  note: string;
}

const REGIONS = ['north', 'south', 'east', 'west', 'centre'];

/** Deterministic records (a small linear congruential generator). */
function generate(n: number): Sale[] {
  let s = 12345;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, id) => ({
    id,
    region: REGIONS[Math.floor(next() * REGIONS.length)] as string,
    product: `p${Math.floor(next() * 20)}`,
    price: Math.round(next() * 10000) / 100,
    qty: 1 + Math.floor(next() * 9),
    note: `note ${id}`,
  }));
}

const files = tempFiles('tsdask-explain-');
const sales = generate(4000);
const managers = [
  { region: 'north', manager: 'Ada' },
  { region: 'south', manager: 'Bo' },
  { region: 'east', manager: 'Cy' },
  { region: 'west', manager: 'Di' },
];

function writeSales(): string {
  const lines = ['id,region,product,price,qty,note', ...sales.map((r) => `${r.id},${r.region},${r.product},${r.price},${r.qty},${r.note}`)];
  return files.file('sales.csv', lines.join('\n') + '\n');
}

describe('explain()', () => {
  it("readCSV -> filter -> groupBy -> merge -> sortValues: the filter and the columns go into the reader; the result is a plain loop's", async () => {
    const path = writeSales();
    const query = readCSV(path, { blocksize: 20_000 })
      .filter(col('price').gt(50))
      .groupBy('region')
      .agg({ units: ['qty', 'sum'], orders: ['qty', 'size'] })
      .merge(fromRecords(managers), { on: 'region' })
      .sortValues('units', { ascending: false });
    const text = query.explain();
    const [logical, optimized] = text.split('== Optimized plan ==') as [string, string];
    expect(logical).toContain('== Logical plan ==');
    // Before: the reader reads every column and a map node filters after it.
    expect(logical).toMatch(/ReadCSV .*sales\.csv: all 6 columns/);
    expect(logical).toMatch(/Map: filter \(col\(price\) > 50\)/);
    // After: the reader itself reads two columns and filters on a third.
    expect(optimized).toMatch(/ReadCSV .*sales\.csv: columns \[region, qty\] \(2 of 6\); filter \(col\(price\) > 50\)/);
    expect(optimized).not.toMatch(/Map: filter/);
    expect(optimized).toMatch(/GroupBy \[region\]: units = sum\(qty\), orders = size\(\); partials fused into the reader/);
    // The tree: sort over merge over (groupBy over the reader) and the managers.
    const lines = optimized.trim().split('\n');
    expect(lines[0]).toMatch(/^Sort by \[units desc\]/);
    expect(lines[1]).toMatch(/^ {2}Merge inner on \[region\]/);
    expect(lines.some((l) => /^ {4}GroupBy/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {6}ReadCSV/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {4}FromData/.test(l))).toBe(true);

    // The plain loop.
    const by = new Map<string, { units: number; orders: number }>();
    for (const r of sales) {
      if (!(r.price > 50)) continue;
      const a = by.get(r.region) ?? { units: 0, orders: 0 };
      a.units += r.qty;
      a.orders += 1;
      by.set(r.region, a);
    }
    const want = managers
      .filter((m) => by.has(m.region))
      .map((m) => ({ region: m.region, ...(by.get(m.region) as { units: number; orders: number }), manager: m.manager }))
      .sort((a, b) => b.units - a.units);
    expect(await query.toRecords({ scheduler: 'sync' })).toEqual(want);
    expect(await query.toRecords({ scheduler: 'threads' })).toEqual(want);
  });

  it('a filter on the join key after the sort moves through the sort, the merge and the groupBy into the reader', async () => {
    const path = writeSales();
    const query = readCSV(path, { blocksize: 20_000 })
      .groupBy('region')
      .agg({ revenue: ['price', 'sum'] })
      .merge(fromRecords(managers), { on: 'region', how: 'left' })
      .sortValues('region')
      .filter(col('region').ne('east'))
      .select('region', 'revenue');
    const optimized = query.explain().split('== Optimized plan ==')[1] as string;
    expect(optimized).toMatch(/ReadCSV .*: columns \[region, price\] \(2 of 6\); filter \(col\(region\) != "east"\)/);
    // The managers' side is not filtered (a left join's right side) and gives only its key (manager is not selected).
    expect(optimized).toMatch(/FromData .*: columns \[region\] \(1 of 2\) {2}->/);
    const sums = new Map<string, number>();
    for (const r of sales) if (r.region !== 'east') sums.set(r.region, (sums.get(r.region) ?? 0) + r.price);
    const want = [...sums.keys()].sort().map((region) => ({ region, revenue: sums.get(region) as number }));
    const got = await query.toRecords({ scheduler: 'sync' });
    expect(got.map((r) => r['region'])).toEqual(want.map((r) => r.region));
    got.forEach((r, i) => expect(r['revenue'] as number).toBeCloseTo(want[i]?.revenue as number, 6));
  });

  it('explain({ optimize }) shows the plan with rules off, and print: true prints it', () => {
    const path = writeSales();
    const df = readCSV(path).filter(col('qty').gt(3)).select('id');
    const off = df.explain({ optimize: { predicate: false, projection: false } }).split('== Optimized plan ==')[1] as string;
    expect(off).toMatch(/ReadCSV .*: all 6 columns/);
    const logged: unknown[] = [];
    const orig = console.log;
    console.log = (x: unknown) => void logged.push(x);
    try {
      df.explain({ print: true });
    } finally {
      console.log = orig;
    }
    expect(String(logged[0])).toMatch(/ReadCSV .*: columns \[id\] \(1 of 6\); filter \(col\(qty\) > 3\)/);
  });
});
