/**
 * What a lean Delayed keeps: its dependencies live only in its node's refs (each value's one
 * cell, a `{ ref }` with its node under a symbol, which JSON and structured clone skip), the
 * graph holds no Delayed object, graph walks park their marks in the slot that keeps the user
 * function alive and give it back, and impure keys are short and unique. Checked against a
 * plain loop over a seeded random DAG.
 */
import { describe, expect, it } from 'vitest';
import { Delayed, delayed, graphOf, HighLevelGraph, keyGroup, MaterializedLayer, type Key, type Node } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';
import { mulberry32 } from '../../../test/support/seeded-random.js';

const sync = { scheduler: 'sync' } as const;
const noOpt = { optimize: { cull: false, inline: false, fuse: false } };

/** n values, each a call on up to three earlier ones, nested in arrays and objects or given as they are. */
function randomDag(seed: number, n: number) {
  const rnd = mulberry32(seed);
  const fn = (a: unknown, b: unknown, c: number): number => {
    const flat = (x: unknown): number =>
      typeof x === 'number'
        ? x
        : Array.isArray(x)
          ? x.reduce((s: number, y) => s + flat(y), 0)
          : typeof x === 'object' && x !== null
            ? flat(Object.values(x))
            : 0;
    return (flat(a) * 3 + flat(b) + c) % 1000003;
  };
  const f = delayed(fn, { name: 'f' });
  const ds: Delayed<number>[] = [];
  const vs: number[] = [];
  // depsWanted[i]: the earlier values value i refers to, in argument order (repeats kept)
  const depsWanted: number[][] = [];
  for (let i = 0; i < n; i++) {
    const pick = (): number => Math.floor(rnd() * i);
    if (i < 3) {
      ds.push(f(i, [i + 1], i + 2));
      vs.push(fn(i, [i + 1], i + 2));
      depsWanted.push([]);
      continue;
    }
    const [x, y, z] = [pick(), pick(), pick()];
    const shape = Math.floor(rnd() * 3);
    if (shape === 0) {
      ds.push(f(ds[x]!, [ds[y]!, 5], z));
      vs.push(fn(vs[x]!, [vs[y]!, 5], z));
      depsWanted.push([x, y]);
    } else if (shape === 1) {
      ds.push(f({ p: ds[x]!, q: [7, { r: ds[z]! }] }, ds[y]!, 1));
      vs.push(fn({ p: vs[x]!, q: [7, { r: vs[z]! }] }, vs[y]!, 1));
      depsWanted.push([x, z, y]);
    } else {
      ds.push(f(ds[x]!, ds[x]!, i));
      vs.push(fn(vs[x]!, vs[x]!, i));
      depsWanted.push([x, x]);
    }
  }
  return { ds, vs, depsWanted, fn };
}

describe('a lean Delayed', () => {
  it('computes a random DAG as a plain loop does, its dependencies found in its refs', async () => {
    const { ds, vs, depsWanted } = randomDag(7, 300);
    for (let i = 0; i < ds.length; i++) expect(ds[i]!.deps.map((d) => ds.findIndex((x) => x.key === d.key))).toEqual(depsWanted[i]);
    const roots = [ds[299]!, ds[150]!, ds[42]!];
    const got = await Promise.all(roots.map((r) => r.compute(sync)));
    expect(got).toEqual([vs[299], vs[150], vs[42]]);
  });

  it('lowers each task after the tasks it refers to, with the dependencies its refs name', () => {
    const { ds } = randomDag(11, 200);
    const { graph } = graphOf([ds[199]!, ds[120]!], noOpt);
    const idOf = new Map(graph.keys.map((k, i) => [k, i]));
    for (let i = 0; i < graph.size; i++) {
      const deps = Array.from(graph.depIdx.subarray(graph.depPtr[i], graph.depPtr[i + 1]));
      const refs = (JSON.stringify(graph.nodes[i]).match(/"ref":"[^"]+"/g) ?? []).map((r) => idOf.get(r.slice(7, -1)) as number);
      expect(deps.sort((a, b) => a - b)).toEqual([...new Set(refs)].sort((a, b) => a - b));
      for (const d of deps) expect(d).toBeLessThan(i);
    }
  });

  it('leaves nothing in its nodes that JSON or a structured clone would carry beyond { op, args } and { ref }', () => {
    const { ds } = randomDag(3, 50);
    const { graph } = graphOf(ds, noOpt);
    const viaJson = JSON.parse(JSON.stringify(graph.nodes)) as unknown;
    const viaClone = structuredClone(graph.nodes);
    expect(viaClone).toEqual(viaJson);
    // the refs are plain { ref } objects once cloned: no symbol, no other key
    const refs: object[] = [];
    const collect = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(collect);
      else if (typeof x === 'object' && x !== null) {
        if ('ref' in x) refs.push(x);
        else Object.values(x).forEach(collect);
      }
    };
    collect(viaClone);
    expect(refs.length).toBeGreaterThan(40);
    for (const r of refs) {
      expect(Object.keys(r)).toEqual(['ref']);
      expect(Object.getOwnPropertySymbols(r)).toEqual([]);
    }
  });

  it('shares one ref per value among its dependents, and its graph holds no Delayed object', () => {
    const { ds } = randomDag(9, 120);
    const f = delayed((a: number, b: number) => a + b, { name: 'f' });
    const x = ds[60]!;
    const [p, q] = [f(x, 1), f(2, x)];
    const argsOf = (d: Delayed): readonly unknown[] => (d.node as { args: readonly unknown[] }).args;
    expect(argsOf(p)[0]).toBe(argsOf(q)[1]);
    expect(Object.keys(argsOf(p)[0] as object)).toEqual(['ref']);
    expect((argsOf(p)[0] as { ref: string }).ref).toBe(x.key);
    // every object reachable from the lowered nodes, symbol-keyed properties included
    const { graph } = graphOf([ds[119]!, p, q], noOpt);
    const seen = new Set<object>();
    const stack: unknown[] = [...graph.nodes];
    let delayedFound = 0;
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v !== 'object' || v === null || seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Delayed) delayedFound++;
      for (const k of Reflect.ownKeys(v)) stack.push((v as Record<PropertyKey, unknown>)[k]);
    }
    expect(seen.size).toBeGreaterThan(graph.size);
    expect(delayedFound).toBe(0);
  });

  it('gives back what keeps the user function alive after every walk, also one that stops at a fromGraph value', async () => {
    const { ds, fn } = randomDag(5, 40);
    graphOf([ds[39]!], noOpt);
    for (const d of ds) expect(d.holds).toBe(fn);
    // a DAG holding a value of another graph: lowering stops there and walks the layers instead
    const base = new HighLevelGraph([new MaterializedLayer('base', new Map<Key, Node>([['base-1', 20]]))]);
    const g = delayed(fn, { name: 'g' });
    const top = g(ds[39]!, [Delayed.fromGraph<number>(base, 'base-1')], 1);
    void top.graph;
    const { graph } = graphOf([top], noOpt);
    expect(graph.keys).toContain('base-1');
    for (const d of ds) expect(d.holds).toBe(fn);
    expect(top.holds).toBe(fn);
    expect(await top.compute(sync)).toBe(fn(await ds[39]!.compute(sync), [20], 1));
  });

  it('makes impure keys of the name and a short token, unique over many calls', () => {
    const f = delayed((x: number) => x, { name: 'f' });
    const keys = new Set<string>();
    for (let i = 0; i < 20_000; i++) keys.add(f(1).key);
    expect(keys.size).toBe(20_000);
    // the token's last 8 digits count the calls (across the 1296-call steps of its upper digits)
    const counts = [...keys].map((k) => parseInt(k.slice(-8), 36));
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBe(counts[0]! + i);
    expect(new Set([...keys].map((k) => k.slice(2, 14))).size).toBe(1);
    for (const k of keys) {
      expect(k).toMatch(/^f-[0-9a-z]{20}$/);
      expect(keyGroup(k)).toBe('f');
    }
    // a name that ends like a token of another length keeps it
    expect(keyGroup('load-abcdefghij0123456789x')).toBe('load-abcdefghij0123456789x');
    expect(keyGroup('load-abcdefghij012345678')).toBe('load-abcdefghij012345678');
  });
});
