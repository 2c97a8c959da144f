/**
 * Deep graphs and deeply nested tasks: the spec walkers work at any depth (no recursion), and
 * the fusion passes never nest a task deeper than their limit, so evaluating and sending it
 * stays shallow. References are plain loops over the chain, written here.
 */
import { describe, expect, it } from 'vitest';
import {
  BlockwiseLayer,
  forEachOp,
  forEachRef,
  fuseBlockwise,
  fuseLinear,
  HighLevelGraph,
  inline,
  isRef,
  isTask,
  lowerGraph,
  MaterializedLayer,
  nestingDepth,
  quote,
  ref,
  substitute,
  task,
  type Arg,
  type Node,
  type Task,
} from '@tsdask/core-graph';

const DEEP = 30_000;

/** `inc(inc(...inc(ref('x'))))`, `n` tasks deep, built bottom up by a loop. */
function nested(n: number, leaf: Arg = ref('x')): Arg {
  let t: Arg = leaf;
  for (let i = 0; i < n; i++) t = task('m#inc', t);
  return t;
}

/** The number of `m#inc` tasks wrapped around the innermost argument, and that argument. */
function unwrap(t: Arg): { count: number; leaf: Arg } {
  let count = 0;
  let cur = t;
  while (isTask(cur) && cur.op === 'm#inc') {
    count++;
    cur = cur.args[0] as Arg;
  }
  return { count, leaf: cur };
}

/** A chain `k0 <- k1 <- ... <- k(n-1)` of inc tasks over a literal 0 at k0. */
function chain(n: number): [string, Node][] {
  const out: [string, Node][] = [['k0', 0]];
  for (let i = 1; i < n; i++) out.push([`k${i}`, task('m#inc', ref(`k${i - 1}`))]);
  return out;
}

/** Evaluates a fused graph of inc tasks by a loop: each node unwrapped, its leaf looked up. */
function evalIncGraph(nodes: Map<string, Node>, key: string, memo = new Map<string, number>()): number {
  const pending = [key];
  while (pending.length > 0) {
    const k = pending[pending.length - 1] as string;
    const { count, leaf } = unwrap(nodes.get(k) as Arg);
    if (isRef(leaf) && !memo.has(leaf.ref)) {
      pending.push(leaf.ref);
      continue;
    }
    memo.set(k, (isRef(leaf) ? (memo.get(leaf.ref) as number) : (leaf as number)) + count);
    pending.pop();
  }
  return memo.get(key) as number;
}

describe('spec walkers at any depth', () => {
  it(`forEachRef and forEachOp reach the bottom of a task nested ${DEEP} deep, in argument order`, () => {
    const t = task('m#pair', nested(DEEP, ref('a')), [ref('b'), quote(ref('hidden'))], ref('c'));
    const refs: string[] = [];
    forEachRef(t, (k) => refs.push(k));
    expect(refs).toEqual(['a', 'b', 'c']);
    const ops = new Map<string, number>();
    forEachOp(t, (op) => ops.set(op, (ops.get(op) ?? 0) + 1));
    expect(ops.get('m#inc')).toBe(DEEP);
    expect(ops.get('m#pair')).toBe(1);
    expect(ops.get('@tsdask/core-graph/ops#quote')).toBe(1);
  });

  it('substitute replaces a ref at the bottom and shares every unchanged part', () => {
    const t = nested(DEEP);
    const out = substitute(t, new Map([['x', 7]]));
    expect(unwrap(out)).toEqual({ count: DEEP, leaf: 7 });
    expect(unwrap(t).leaf).toEqual(ref('x'));
    const other = task('m#pair', t, [ref('y'), 1]);
    const out2 = substitute(other, new Map([['y', 'Y']])) as Task;
    expect(out2.args[0]).toBe(t);
    expect(out2.args[1]).toEqual(['Y', 1]);
    expect(substitute(other, new Map([['z', 1]]))).toBe(other);
  });

  it('nestingDepth counts tasks and arrays, not refs or quoted values', () => {
    expect(nestingDepth(3)).toBe(0);
    expect(nestingDepth(ref('a'))).toBe(0);
    expect(nestingDepth(task('m#f', ref('a'), 1))).toBe(1);
    expect(nestingDepth(task('m#f', [ref('a'), [ref('b')]]))).toBe(3);
    expect(nestingDepth(quote([[[[1]]]]))).toBe(1);
    expect(nestingDepth(nested(DEEP))).toBe(DEEP);
  });

  it('lowers a graph whose node is nested 30,000 deep', () => {
    const g = lowerGraph([
      ['x', 1],
      ['y', nested(DEEP)],
    ]);
    expect(Array.from(g.depIdx)).toEqual([g.index.get('x')]);
  });
});

describe('fusion stops at the depth limit', () => {
  it('fuseLinear cuts a 30,000-long chain into tasks at most 100 deep that compute the same', () => {
    const g = lowerGraph(chain(DEEP));
    const out = fuseLinear(g, [`k${DEEP - 1}`]);
    expect(out.size).toBeLessThanOrEqual(Math.ceil(DEEP / 100) + 1);
    let deepest = 0;
    for (const n of out.nodes) deepest = Math.max(deepest, nestingDepth(n));
    expect(deepest).toBeLessThanOrEqual(100);
    const nodes = new Map(out.keys.map((k, i) => [k, out.nodes[i] as Node]));
    // k0 is 0 and each of the other DEEP - 1 tasks adds one
    expect(evalIncGraph(nodes, `k${DEEP - 1}`)).toBe(DEEP - 1);
  });

  it('fuseLinear honours a smaller limit: a chain of 10 with limit 3', () => {
    const out = fuseLinear(lowerGraph(chain(10)), ['k9'], 3);
    // k0 (depth 0) and k1..k3 nest into k3 (depth 3), then k4..k6 into k6, k7..k9 into k9
    expect([...out.keys]).toEqual(['k3', 'k6', 'k9']);
    for (const n of out.nodes) expect(nestingDepth(n)).toBe(3);
    const nodes = new Map(out.keys.map((k, i) => [k, out.nodes[i] as Node]));
    expect(evalIncGraph(nodes, 'k9')).toBe(9);
  });

  it('inline stops nesting a chain of cheap tasks at its limit', () => {
    const g = lowerGraph(chain(1000));
    const out = inline(g, ['k999'], { cheapOps: new Set(['m#inc']), maxDepth: 10 });
    for (const n of out.nodes) expect(nestingDepth(n)).toBeLessThanOrEqual(11);
    expect(out.size).toBeGreaterThan(1);
    const nodes = new Map(out.keys.map((k, i) => [k, out.nodes[i] as Node]));
    expect(evalIncGraph(nodes, 'k999')).toBe(999);
  });

  it('fuseBlockwise merges at most 64 layers of a 1,000-layer chain into one', () => {
    const layers: (MaterializedLayer | BlockwiseLayer)[] = [new MaterializedLayer('b0', { 'b0,0': 0 })];
    for (let i = 1; i < 1000; i++) {
      layers.push(new BlockwiseLayer(`b${i}`, 'i', [1], task('m#inc', BlockwiseLayer.arg(0)), [{ name: `b${i - 1}`, index: 'i', numblocks: [1] }]));
    }
    const f = fuseBlockwise(new HighLevelGraph(layers), ['b999,0']);
    // 999 blockwise layers in groups of at most 64: at least 16 remain, plus the source
    expect(f.layers.size).toBeGreaterThanOrEqual(17);
    for (const l of f.layers.values()) if (l instanceof BlockwiseLayer) expect(nestingDepth(l.template)).toBeLessThanOrEqual(64);
    expect(evalIncGraph(f.materialize(['b999,0']), 'b999,0')).toBe(999);
  });
});

describe('layer order at any depth', () => {
  it('orders a chain of 30,000 layers dependencies first', () => {
    const layers: MaterializedLayer[] = [];
    for (let i = DEEP - 1; i >= 0; i--) {
      layers.push(new MaterializedLayer(`l${i}`, { [`l${i}`]: i === 0 ? 0 : task('m#inc', ref(`l${i - 1}`)) }, i === 0 ? [] : [`l${i - 1}`]));
    }
    const order = new HighLevelGraph(layers).layerOrder();
    expect(order).toEqual(Array.from({ length: DEEP }, (_, i) => `l${i}`));
  });
});
