import { describe, expect, it } from 'vitest';
import {
  BlockwiseLayer,
  HighLevelGraph,
  MaterializedLayer,
  expandTemplate,
  findTemplatedRuns,
  inferTemplate,
  lowerGraph,
  quote,
  templateProblem,
  type Key,
  type Node,
} from '../src/index.js';
import { expectRunsMatch } from '../../../test/support/template-runs.js';

/** A materialized layer of literal blocks `name,i,j` over a grid. */
function grid(name: string, rows: number, cols: number): MaterializedLayer {
  const tasks = new Map<Key, Node>();
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) tasks.set(`${name},${i},${j}`, i * 100 + j);
  return new MaterializedLayer(name, tasks);
}

describe('layer templates', () => {
  it('give back every task of a blockwise layer with a contracted index (ij,jk->ik), as lowering does', () => {
    const a = grid('a', 3, 4);
    const b = grid('b', 4, 2);
    const tmpl = { op: 'm#dot', args: [BlockwiseLayer.arg(0), BlockwiseLayer.arg(1), quote({ k: 1 })] };
    const inputs = [
      { name: 'a', index: 'ij', numblocks: [3, 4] },
      { name: 'b', index: 'jk', numblocks: [4, 2] },
    ];
    const c = new BlockwiseLayer('c', 'ik', [3, 2], tmpl, inputs);
    const g = lowerGraph(new HighLevelGraph([a, b, c]).materialize());
    const runs = findTemplatedRuns(g, { minRun: 2 });
    // the literal blocks differ by index: no template for them; c is one run of all 6 blocks
    expect(runs.map((r) => [r.template.name, r.from, r.to])).toEqual([['c', 0, 6]]);
    // worked by hand: block (2, 1) reads row 2 of a and column 1 of b
    const ex = expandTemplate(runs[0]!.template, 5, 6);
    expect(ex.keys).toEqual(['c,2,1']);
    expect(ex.nodes[0]).toEqual({
      op: 'm#dot',
      args: [
        [{ ref: 'a,2,0' }, { ref: 'a,2,1' }, { ref: 'a,2,2' }, { ref: 'a,2,3' }],
        [{ ref: 'b,0,1' }, { ref: 'b,1,1' }, { ref: 'b,2,1' }, { ref: 'b,3,1' }],
        quote({ k: 1 }),
      ],
    });
    expectRunsMatch(g, runs);
  });

  it('broadcast inputs (one block along an axis) and fixed keys stay constant', () => {
    const x = grid('x', 5, 3);
    const row = grid('row', 1, 3);
    const tasks = new Map<Key, Node>([['total', 7]]);
    const total = new MaterializedLayer('total', tasks);
    const tmpl = { op: 'm#add', args: [BlockwiseLayer.arg(0), BlockwiseLayer.arg(1), { ref: 'total' }] };
    const y = new BlockwiseLayer('y', 'ij', [5, 3], tmpl, [
      { name: 'x', index: 'ij', numblocks: [5, 3] },
      { name: 'row', index: 'ij', numblocks: [1, 3] },
    ]);
    const g = lowerGraph(new HighLevelGraph([x, row, total, y]).materialize());
    const runs = findTemplatedRuns(g, { minRun: 2 });
    // row's literal blocks (0, 1, 2) are their own position: a value template too
    expect(runs.map((r) => [r.template.name, r.from, r.to])).toEqual([
      ['row', 0, 3],
      ['y', 0, 15],
    ]);
    expect(expandTemplate(runs[1]!.template, 13, 14).nodes[0]).toEqual({ op: 'm#add', args: [{ ref: 'x,4,1' }, { ref: 'row,0,1' }, { ref: 'total' }] });
    expectRunsMatch(g, runs);
  });

  it('leave out tasks a pass rewrote: a run stops before one and starts again after', () => {
    const src = new Map<Key, Node>();
    const out = new Map<Key, Node>();
    for (let i = 0; i < 20; i++) {
      src.set(`s,${i}`, { op: 'm#load', args: [quote('file.csv')] });
      // block 7 as fusion would leave it: its input nested in it
      out.set(`f,${i}`, i === 7 ? { op: 'm#inc', args: [{ op: 'm#load', args: [quote('file.csv')] }] } : { op: 'm#inc', args: [{ ref: `s,${i}` }] });
    }
    src.delete('s,7');
    const g = lowerGraph(new HighLevelGraph([new MaterializedLayer('s', src), new MaterializedLayer('f', out, ['s'])]).materialize());
    const runs = findTemplatedRuns(g, { minRun: 3 });
    const byName = runs.map((r) => [r.template.name, r.from, r.to]);
    // s: blocks 0-6 and 8-19 (7 is absent); f: all but block 7
    expect(byName).toEqual([
      ['s', 0, 7],
      ['s', 8, 20],
      ['f', 0, 7],
      ['f', 8, 20],
    ]);
    expectRunsMatch(g, runs);
    // too short runs are left out
    expect(findTemplatedRuns(g, { minRun: 8 }).map((r) => [r.template.name, r.from, r.to])).toEqual([
      ['s', 8, 20],
      ['f', 8, 20],
    ]);
  });

  it('a number that moves with the block index becomes a value (position, offset); other moving literals give no template', () => {
    const t = new Map<Key, Node>();
    for (let i = 0; i < 10; i++) t.set(`p,${i}`, { op: 'm#part', args: [i, [i * 100, i * 100 + 100], 7] });
    const g = lowerGraph(t);
    const runs = findTemplatedRuns(g, { minRun: 2 });
    expect(runs.map((r) => [r.template.name, r.from, r.to])).toEqual([['p', 0, 10]]);
    expect(runs[0]!.template.values).toEqual([
      { axis: 0, mul: 1, add: 0 },
      { axis: 0, mul: 100, add: 0 },
      { axis: 0, mul: 100, add: 100 },
    ]);
    expect(expandTemplate(runs[0]!.template, 3, 4).nodes[0]).toEqual({ op: 'm#part', args: [3, [300, 400], 7] });
    expectRunsMatch(g, runs);
    // squares, and quoted per-block data, follow no template
    const sq = new Map<Key, Node>();
    const quoted = new Map<Key, Node>();
    for (let i = 0; i < 10; i++) {
      sq.set(`s,${i}`, { op: 'm#part', args: [i * i] });
      quoted.set(`q,${i}`, quote({ rows: i }));
    }
    expect(findTemplatedRuns(lowerGraph(sq), { minRun: 2 })).toEqual([]);
    expect(findTemplatedRuns(lowerGraph(quoted), { minRun: 2 })).toEqual([]);
    // an array's last, shorter chunk breaks the run
    const chunks = new Map<Key, Node>();
    for (let i = 0; i < 10; i++) chunks.set(`c,${i}`, { op: 'm#ones', args: [[i === 9 ? 37 : 100]] });
    expect(findTemplatedRuns(lowerGraph(chunks), { minRun: 2 }).map((r) => [r.template.name, r.from, r.to])).toEqual([['c', 0, 9]]);
  });

  it('a reference to its own layer, or a coordinate that moves unlike any axis, gives no template', () => {
    // cumsum-like: block i reads block i - 1 of its own layer
    expect(inferTemplate('c', [4], { idx: [2], node: { op: 'm#add', args: [{ ref: 'c,1' }, { ref: 'x,2' }] } })).toBeUndefined();
    // block i reads block 2i (a tree's level)
    const a = { idx: [2], node: { op: 'm#sum', args: [{ ref: 'x,4' }] } };
    const b = { idx: [3], node: { op: 'm#sum', args: [{ ref: 'x,6' }] } };
    expect(inferTemplate('t', [8], a, b)).toBeUndefined();
  });

  it('templateProblem names what is wrong with a template from elsewhere', () => {
    const ok = inferTemplate('y', [4], { idx: [2], node: { op: 'm#inc', args: [{ ref: 'x,2' }] } })!;
    expect(templateProblem(JSON.parse(JSON.stringify(ok)))).toBeUndefined();
    expect(templateProblem(null)).toBe('is not an object');
    expect(templateProblem({ ...ok, shape: [-1] })).toMatch(/shape/);
    expect(templateProblem({ ...ok, refs: [{ name: 'x', coords: [{ axis: 3 }] }] })).toMatch(/axis below 1/);
    expect(templateProblem({ ...ok, refs: [] })).toMatch(/placeholder/);
  });
});
