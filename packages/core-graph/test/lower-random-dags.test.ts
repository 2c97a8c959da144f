/**
 * Lowering raw key -> task graphs, checked key by key against a plain recursive walk on seeded
 * random DAGs: every way a raw graph is lowered (the whole layer at once, `lowerGraph` of its
 * map, and materializing only what some outputs need) gives each key the dependencies the walk
 * finds in its node, in argument order, each once, and the dependents that are their inverse.
 */
import { describe, expect, it } from 'vitest';
import {
  dependenciesOf,
  dependentsOf,
  graphOf,
  groupCsr,
  IntBuffer,
  lowerGraph,
  MaterializedLayer,
  QUOTE_OP,
  type Key,
  type Node,
  type TaskGraph,
} from '@tsdask/core-graph';
import { noPasses, Raw } from './raw-collection.js';
import { mulberry32 } from '../../../test/support/seeded-random.js';

/** The keys a node refers to, in argument order, each once: the spec read by plain recursion. */
function refsOf(node: unknown): Key[] {
  const out: Key[] = [];
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item);
      return;
    }
    const o = x as { ref?: unknown; op?: unknown; args?: unknown };
    if (typeof o.ref === 'string' && x.constructor === Object) {
      if (!out.includes(o.ref)) out.push(o.ref);
      return;
    }
    if (typeof o.op === 'string' && Array.isArray(o.args) && o.op !== QUOTE_OP) for (const a of o.args) visit(a);
  };
  visit(node);
  return out;
}

/**
 * A random DAG of `n` tasks as a raw map, inserted in a shuffled order (so refs point to keys
 * both before and after their own in the map). Task i refers only to tasks j < i (no cycle),
 * through every shape the spec allows: flat args, repeated refs, arrays, nested tasks, and refs
 * hidden in quoted values and class instances that are not refs.
 */
function randomDag(seed: number, n: number): Map<Key, Node> {
  const rand = mulberry32(seed);
  const pick = (k: number): number => Math.floor(rand() * k);
  const keyOf = (i: number): Key => (i % 3 === 0 ? `t-${i}` : `x,${i % 7},${i}`);
  const refTo = (i: number): { ref: Key } => ({ ref: keyOf(pick(i)) });
  const nodes: [Key, Node][] = [];
  for (let i = 0; i < n; i++) {
    const args: unknown[] = [];
    const nargs = pick(5);
    for (let a = 0; a < nargs; a++) {
      const r = i === 0 ? 4 : pick(8);
      if (r === 0 || r === 1) args.push(refTo(i));
      else if (r === 2) args.push([refTo(i), pick(10), [refTo(i)]]);
      else if (r === 3) args.push({ op: 'm#g', args: [refTo(i), 'lit', { op: 'm#h', args: [refTo(i)] }] });
      else if (r === 4) args.push(pick(100));
      else if (r === 5) args.push({ op: QUOTE_OP, args: [{ ref: keyOf(0) }] });
      else if (r === 6)
        args.push(
          new (class Box {
            ref = keyOf(0);
          })(),
        );
      else {
        const same = refTo(i);
        args.push(same, { ref: same.ref });
      }
    }
    const shape = pick(10);
    const node: Node = i > 0 && shape === 0 ? ([refTo(i), 3] as Node) : shape === 1 ? i : ({ op: 'm#f', args } as Node);
    nodes.push([keyOf(i), node]);
  }
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [nodes[i], nodes[j]] = [nodes[j] as [Key, Node], nodes[i] as [Key, Node]];
  }
  return new Map(nodes);
}

/** The keys reachable from `outputs` in the raw map, by recursion over refsOf. */
function reachableKeys(tasks: ReadonlyMap<Key, Node>, outputs: readonly Key[]): Set<Key> {
  const seen = new Set<Key>();
  const visit = (k: Key): void => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const d of refsOf(tasks.get(k))) visit(d);
  };
  for (const k of outputs) visit(k);
  return seen;
}

/** Checks a lowered graph against the walk, key by key: its keys are `expected`, each with its node's refs and their inverse. */
function expectLoweredAsWalk(g: TaskGraph, tasks: ReadonlyMap<Key, Node>, expected: ReadonlySet<Key>): void {
  expect(g.size).toBe(expected.size);
  expect(new Set(g.keys)).toEqual(expected);
  const dependents = new Map<Key, Key[]>([...expected].map((k) => [k, []]));
  for (let i = 0; i < g.size; i++) {
    const k = g.keys[i] as Key;
    expect(g.index.get(k)).toBe(i);
    expect(g.nodes[i]).toBe(tasks.get(k));
    const refs = refsOf(tasks.get(k));
    expect(dependenciesOf(g, i).map((d) => g.keys[d])).toEqual(refs);
    for (const d of refs) dependents.get(d)!.push(k);
  }
  for (let i = 0; i < g.size; i++) {
    const k = g.keys[i] as Key;
    expect(
      dependentsOf(g, i)
        .map((d) => g.keys[d])
        .sort(),
    ).toEqual([...dependents.get(k)!].sort());
  }
  for (const a of [g.depPtr, g.depIdx, g.outPtr, g.outIdx]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
}

/** The keys no task refers to (what a user computes to get the whole graph). */
function sinks(tasks: ReadonlyMap<Key, Node>): Key[] {
  const used = new Set<Key>();
  for (const node of tasks.values()) for (const d of refsOf(node)) used.add(d);
  return [...tasks.keys()].filter((k) => !used.has(k));
}

describe('lowering raw graphs, against a plain recursive walk on seeded random DAGs', () => {
  it('lowers the whole layer (graphOf with every task needed) with each key dependencies as its node refers to them', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const tasks = randomDag(seed, 1 + ((seed * 37) % 300));
      const layer = new MaterializedLayer('raw', tasks);
      const outputs = sinks(tasks);
      const whole = layer.lowerWhole(outputs);
      expect(whole).toBeDefined();
      expect(whole!.keys).toEqual([...tasks.keys()]); // ids in the map's order
      expectLoweredAsWalk(whole!, tasks, new Set(tasks.keys()));
      expectLoweredAsWalk(graphOf([new Raw(layer, outputs)], noPasses).graph, tasks, new Set(tasks.keys()));
    }
  });

  it('lowers the map itself (lowerGraph) the same way', () => {
    for (let seed = 41; seed <= 60; seed++) {
      const tasks = randomDag(seed, 1 + ((seed * 53) % 400));
      expectLoweredAsWalk(lowerGraph(tasks), tasks, new Set(tasks.keys()));
    }
  });

  it('lowers only what some outputs reach, and culls to the same set', () => {
    for (let seed = 61; seed <= 90; seed++) {
      const tasks = randomDag(seed, 2 + ((seed * 29) % 300));
      const rand = mulberry32(seed);
      const keys = [...tasks.keys()];
      const outputs = [keys[Math.floor(rand() * keys.length)] as Key, keys[Math.floor(rand() * keys.length)] as Key];
      const expected = reachableKeys(tasks, outputs);
      const layer = new MaterializedLayer('raw', tasks);
      // lowerWhole declines a layer the outputs need only part of
      expect(layer.lowerWhole(outputs) === undefined).toBe(expected.size < tasks.size);
      expectLoweredAsWalk(graphOf([new Raw(layer, outputs)], noPasses).graph, tasks, expected);
      const culled = graphOf([new Raw(new MaterializedLayer('raw', tasks), sinks(tasks))], { optimize: { inline: false, fuse: false } }).graph;
      expect(culled.size).toBe(tasks.size);
    }
  });
});

describe('arrays per task on shared memory (not counted as V8 external memory)', () => {
  it('IntBuffer keeps a shared list shared as it grows, and a plain one plain', () => {
    const shared = new IntBuffer(16, true);
    const plain = new IntBuffer(16);
    for (let i = 0; i < 1000; i++) {
      shared.push(i * 3);
      plain.push(i * 3);
    }
    expect(shared.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(plain.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(shared.data.subarray(0, shared.length))).toEqual(Array.from({ length: 1000 }, (_, i) => i * 3));
    expect(Array.from(plain.data.subarray(0, plain.length))).toEqual(Array.from({ length: 1000 }, (_, i) => i * 3));
  });

  it('groupCsr puts both arrays on shared memory when asked', () => {
    const { ptr, idx } = groupCsr(3, Int32Array.from([2, 0, -1, 2, 1]), undefined, true);
    expect(ptr.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(idx.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(ptr)).toEqual([0, 1, 2, 4]);
    expect(Array.from(idx)).toEqual([1, 4, 0, 3]);
  });
});
