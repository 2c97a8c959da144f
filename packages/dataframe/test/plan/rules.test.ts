/**
 * The optimizer's rules, each on plan shapes (what the optimized plan looks like) and both
 * ways (the result with every rule on equals the result with that rule off, and with all off,
 * and a plain loop); the driver's schema check names a rule that changes a node's output.
 */
import { describe, expect, it } from 'vitest';
import { withConfig } from '@tsdask/core-graph';
import { PlanRuleError, col, fromRecords, readCSV, type DataFrame } from '@tsdask/dataframe';
import { tempFiles } from '../temp-files.js';
import { optimizePlan } from '../../dist/optimize/driver.js';
import type { PlanNode } from '../../dist/plan/node.js';

interface Row {
  k: string;
  g: number;
  a: number;
  b: number | null;
  s: string;
}
const ROWS: Row[] = Array.from({ length: 60 }, (_, i) => ({
  k: ['x', 'y', 'z', 'w'][i % 4] as string,
  g: i % 3,
  a: (i * 7) % 11,
  b: i % 5 === 0 ? null : (i * 3) % 8,
  s: `s${i % 6}`,
}));
const OTHER = [
  { k: 'x', v: 1, a: 100 },
  { k: 'y', v: 2, a: 200 },
  { k: 'q', v: 3, a: 300 },
];
const frame = (): DataFrame => fromRecords(ROWS as unknown as Record<string, unknown>[], { npartitions: 3 });
const other = (): DataFrame => fromRecords(OTHER, { npartitions: 2 });

const RULES = ['fuseMaps', 'predicate', 'projection', 'scanAggregate'] as const;

/** Records computed with `flags`. */
function run(df: DataFrame, flags: Record<string, boolean>): Promise<Record<string, unknown>[]> {
  return withConfig({ 'dataframe.optimize': flags }, () => df.toRecords({ scheduler: 'sync' }));
}

/** Rows in a canonical order (for results whose row order is not defined). */
const sorted = (rows: Record<string, unknown>[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** The result with all rules on equals the one with each rule off and with all off; returns it. */
async function bothWays(df: DataFrame, ordered: boolean): Promise<Record<string, unknown>[]> {
  const on = await run(df, {});
  const norm = (r: Record<string, unknown>[]): unknown => (ordered ? r : sorted(r));
  for (const rule of RULES) expect(norm(await run(df, { [rule]: false })), `${rule} off`).toEqual(norm(on));
  expect(norm(await run(df, Object.fromEntries(RULES.map((r) => [r, false]))))).toEqual(norm(on));
  return on;
}

/** The plan node kinds from the root down the first input. */
function spine(p: PlanNode): string[] {
  const out: string[] = [p.kind];
  const next = 'input' in p ? p.input : p.kind === 'merge' ? p.left : undefined;
  return next === undefined ? out : [...out, ...spine(next)];
}

const sourceUnder = (p: PlanNode): Extract<PlanNode, { kind: 'source' }> => {
  let n: PlanNode = p;
  while (n.kind !== 'source') n = 'input' in n ? n.input : n.kind === 'merge' ? n.left : (undefined as never);
  return n;
};

describe('predicate pushdown', () => {
  it('moves a filter below a sort into the reader; same rows, same order', async () => {
    const df = frame().sortValues(['a', 'g']).filter(col('b').gt(2));
    const opt = df.optimizedPlan();
    expect(spine(opt)).toEqual(['sort', 'source']);
    expect(sourceUnder(opt).predicate?.length).toBe(1);
    const got = await bothWays(df, true);
    const want = ROWS.filter((r) => r.b !== null && r.b > 2).sort((p, q) => p.a - q.a || p.g - q.g);
    expect(got).toEqual(want);
  });

  it('moves a filter on a groupBy key below the groupBy, and keeps one on an aggregate above it', async () => {
    const df = frame()
      .groupBy('k')
      .agg({ n: ['a', 'size'], t: ['a', 'sum'] })
      .filter(col('k').ne('y'))
      .filter(col('t').gt(20));
    const opt = df.optimizedPlan();
    expect(spine(opt)).toEqual(['map', 'groupby', 'source']);
    expect(opt.kind === 'map' && opt.steps.map((s) => s.k)).toEqual(['filter']);
    expect(sourceUnder(opt).predicate?.length).toBe(1);
    const got = await bothWays(df, false);
    const by = new Map<string, { n: number; t: number }>();
    for (const r of ROWS) {
      const x = by.get(r.k) ?? { n: 0, t: 0 };
      by.set(r.k, { n: x.n + 1, t: x.t + r.a });
    }
    const want = [...by].filter(([k, x]) => k !== 'y' && x.t > 20).map(([k, x]) => ({ k, ...x }));
    expect(sorted(got)).toEqual(sorted(want));
  });

  it('moves a filter into the side of an inner join whose columns it reads, never into the null-filled side', async () => {
    const inner = frame().merge(other(), { on: 'k' }).filter(col('v').gt(1)).filter(col('a_x').lt(8));
    const opt = inner.optimizedPlan();
    expect(opt.kind).toBe('merge');
    if (opt.kind !== 'merge') return;
    expect(sourceUnder(opt.left).predicate?.map((e) => JSON.stringify(e))).toEqual([JSON.stringify(col('a').lt(8).node)]);
    expect(sourceUnder(opt.right).predicate?.length).toBe(1);
    const got = await bothWays(inner, false);
    const want = ROWS.flatMap((r) =>
      OTHER.filter((o) => o.k === r.k && o.v > 1 && r.a < 8).map((o) => ({ k: r.k, g: r.g, a_x: r.a, b: r.b, s: r.s, v: o.v, a_y: o.a })),
    );
    expect(sorted(got)).toEqual(sorted(want));

    // A left join: the filter on the right side's column stays above the join (it drops rows the join null-fills).
    const left = frame().merge(other(), { on: 'k', how: 'left' }).filter(col('v').isNull());
    const lopt = left.optimizedPlan();
    expect(lopt.kind).toBe('map');
    const lgot = await bothWays(left, false);
    expect(lgot.length).toBe(ROWS.filter((r) => r.k !== 'x' && r.k !== 'y').length);
    // An outer join: nothing moves.
    const outer = frame().merge(other(), { on: 'k', how: 'outer' }).filter(col('g').eq(1));
    expect(outer.optimizedPlan().kind).toBe('map');
    await bothWays(outer, false);
  });

  it('moves a filter before derived columns it does not read, and back through a rename', async () => {
    const df = frame()
      .withColumns({ c: col('a').mul(2) })
      .rename({ g: 'group' })
      .filter(col('group').eq(2))
      .select('c', 'group');
    const opt = df.optimizedPlan();
    expect(spine(opt)).toEqual(['map', 'source']);
    expect(JSON.stringify(sourceUnder(opt).predicate)).toBe(JSON.stringify([col('g').eq(2).node]));
    const got = await bothWays(df, true);
    expect(got).toEqual(ROWS.filter((r) => r.g === 2).map((r) => ({ c: r.a * 2, group: 2 })));
  });

  it('moves a filter on the subset below dropDuplicates, and below a repartition', async () => {
    const dd = frame().dropDuplicates(['k', 'g']).filter(col('k').eq('z'));
    expect(spine(dd.optimizedPlan())).toEqual(['drop-duplicates', 'source']);
    const got = await bothWays(dd, true);
    const seen = new Set<string>();
    const want = ROWS.filter((r) => {
      const key = `${r.k}|${r.g}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return r.k === 'z';
    });
    expect(got).toEqual(want);
    const rp = frame().repartition({ npartitions: 5 }).filter(col('a').ge(5));
    expect(spine(rp.optimizedPlan())).toEqual(['repartition', 'source']);
    expect(await bothWays(rp, true)).toEqual(ROWS.filter((r) => r.a >= 5));
  });
});

describe('projection pushdown', () => {
  it('a sort reads only its keys and the columns chosen after it', async () => {
    const df = frame().sortValues('a').select('s');
    const opt = df.optimizedPlan();
    expect(sourceUnder(opt).columns).toEqual(['a', 's']);
    expect(await bothWays(df, true)).toEqual([...ROWS].sort((p, q) => p.a - q.a).map((r) => ({ s: r.s })));
  });

  it('each side of a merge reads its keys and the columns kept after it; a groupBy its keys and aggregated columns', async () => {
    const df = frame()
      .merge(other(), { on: 'k' })
      .groupBy('g')
      .agg({ t: ['v', 'sum'] });
    const opt = df.optimizedPlan();
    if (opt.kind !== 'groupby' || opt.input.kind !== 'map' || opt.input.input.kind !== 'merge') throw new Error(`unexpected plan ${spine(opt)}`);
    const m = opt.input.input;
    expect(sourceUnder(m.left).columns).toEqual(['k', 'g']);
    expect(sourceUnder(m.right).columns).toEqual(['k', 'v']);
    const got = await bothWays(df, false);
    const sums = new Map<number, number>();
    for (const r of ROWS) for (const o of OTHER) if (o.k === r.k) sums.set(r.g, (sums.get(r.g) ?? 0) + o.v);
    expect(sorted(got)).toEqual(sorted([...sums].map(([g, t]) => ({ g, t }))));
  });

  it('a groupBy drops the aggregations nobody reads, and reads only what the others need', async () => {
    const df = frame()
      .groupBy('k')
      .agg({ t: ['a', 'sum'], m: ['b', 'max'] })
      .select('t', 'k');
    const opt = df.optimizedPlan();
    if (opt.kind !== 'map' || opt.input.kind !== 'groupby') throw new Error(`unexpected plan ${spine(opt)}`);
    expect(opt.input.spec.aggs.map(([o]) => o)).toEqual(['t']);
    expect(sourceUnder(opt).columns).toEqual(['k', 'a']);
    const got = await bothWays(df, false);
    const sums = new Map<string, number>();
    for (const r of ROWS) sums.set(r.k, (sums.get(r.k) ?? 0) + r.a);
    expect(sorted(got)).toEqual(sorted([...sums].map(([k, t]) => ({ t, k }))));
  });

  it('dropDuplicates reads its subset and the columns used after it', async () => {
    const df = frame().dropDuplicates('k').select('a');
    expect(sourceUnder(df.optimizedPlan()).columns).toEqual(['k', 'a']);
    const seen = new Set<string>();
    expect(await bothWays(df, true)).toEqual(ROWS.filter((r) => !seen.has(r.k) && seen.add(r.k)).map((r) => ({ a: r.a })));
  });
});

describe('fuse-maps', () => {
  it('drops the selects that projection leaves once the input below chooses the same columns', async () => {
    // The select after the sort narrows the sort's input to [a, s] with a select, which the
    // reader then does itself: that select chooses nothing more and goes away.
    const df = frame().sortValues('a').select('s');
    expect(spine(df.optimizedPlan())).toEqual(['map', 'sort', 'source']);
    expect(spine(optimizePlan(df.plan, { fuseMaps: false }))).toEqual(['map', 'map', 'sort', 'map', 'source']);
    await bothWays(df, true);
  });
});

describe('scan-aggregate', () => {
  const files = tempFiles('tsdask-rules-');
  it('marks a groupBy over the CSV scanner (through filters and derived columns) to aggregate while reading', async () => {
    const path = files.file('rows.csv', ['k,g,a,b,s', ...ROWS.map((r) => `${r.k},${r.g},${r.a},${r.b ?? ''},${r.s}`)].join('\n') + '\n');
    const q = (engine: 'scanner' | 'papaparse'): DataFrame =>
      readCSV(path, { blocksize: 300, engine })
        .filter(col('g').ne(1))
        .withColumns({ c: col('a').mul(2) })
        .groupBy('k')
        .agg({ t: ['c', 'sum'] });
    const df = q('scanner');
    const opt = df.optimizedPlan();
    expect(opt.kind === 'groupby' && opt.scan).toBe(true);
    const off = optimizePlan(df.plan, { scanAggregate: false });
    expect(off.kind === 'groupby' && off.scan).toBeFalsy();
    const slow = q('papaparse').optimizedPlan();
    expect(slow.kind === 'groupby' && slow.scan).toBeFalsy();
    const got = await bothWays(df, false);
    const sums = new Map<string, number>();
    for (const r of ROWS) if (r.g !== 1) sums.set(r.k, (sums.get(r.k) ?? 0) + r.a * 2);
    expect(sorted(got)).toEqual(sorted([...sums].map(([k, t]) => ({ k, t }))));
  });
});

describe('the driver', () => {
  it("throws PlanRuleError naming a rule that changes a node's output schema", () => {
    const df = frame().filter(col('a').gt(1));
    const bad = (n: PlanNode): PlanNode | undefined => (n.kind === 'map' ? { ...n, schema: { names: ['a'], types: ['int64'] } } : undefined);
    expect(() => optimizePlan(df.plan, {}, [['dropsColumns', bad]])).toThrow(PlanRuleError);
    expect(() => optimizePlan(df.plan, {}, [['dropsColumns', bad]])).toThrow(/rule 'dropsColumns' changed a map node's output from \[k, g, a, b, s\]/);
    try {
      optimizePlan(df.plan, {}, [['dropsColumns', bad]]);
    } catch (e) {
      expect((e as PlanRuleError).code).toBe('TSDASK_DF_PLAN_RULE');
      expect((e as PlanRuleError).rule).toBe('dropsColumns');
    }
  });

  it('rejects an unknown rule name in dataframe.optimize', async () => {
    await expect(withConfig({ 'dataframe.optimize': { projektion: false } as never }, () => 1)).rejects.toThrow(/unknown rule 'projektion'/);
  });
});
