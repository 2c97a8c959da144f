// The benchmark graphs shared by bench/task-overhead.mjs and bench/dashboard.mjs: N trivial
// leaves inc(i) summed by a binary tree of add tasks (about 2N tasks), built with `delayed` or
// as a raw key -> task map whose ops workers load from bench/ops.mjs.
import { Collection, delayed, HighLevelGraph, MaterializedLayer, op } from '@tsdask/core-graph';

/** Pairs items level by level with `add` until one remains. */
export function treeSum(leaves, add) {
  let level = leaves;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** The tree sum of inc(i) for i < n, with delayed functions. */
export function buildDelayed(n) {
  const inc = delayed((x) => x + 1, { name: 'inc' });
  const add = delayed((a, b) => a + b, { name: 'add' });
  const leaves = [];
  for (let i = 0; i < n; i++) leaves.push(inc(i));
  return treeSum(leaves, add);
}

/** A collection over one materialized layer of raw tasks. */
export class RawGraph extends Collection {
  constructor(layer, key) {
    super();
    this.layer = layer;
    this.key = key;
  }
  get graph() {
    return new HighLevelGraph([this.layer]);
  }
  get outputKeys() {
    return [this.key];
  }
  finalize(v) {
    return v[0];
  }
}

const OPS = new URL('./ops.mjs', import.meta.url).href;

/**
 * The same tree sum as raw tasks, keys `inc,i` and `add,j`: the key -> task map a user's program
 * builds (no tsdask work but `op`), and the key of its root.
 */
export function rawTasks(n) {
  const incOp = op(OPS, 'inc').opId;
  const addOp = op(OPS, 'add').opId;
  const tasks = new Map();
  const leaves = [];
  for (let i = 0; i < n; i++) {
    tasks.set(`inc,${i}`, { op: incOp, args: [i] });
    leaves.push(`inc,${i}`);
  }
  let count = 0;
  const root = treeSum(leaves, (a, b) => {
    const k = `add,${count++}`;
    tasks.set(k, { op: addOp, args: [{ ref: a }, { ref: b }] });
    return k;
  });
  return { tasks, root };
}

/** A collection over raw tasks (what tsdask is given: one materialized layer of them). */
export function rawCollection({ tasks, root }) {
  return new RawGraph(new MaterializedLayer('raw', tasks), root);
}

/** The tree sum as a collection over raw tasks. */
export function buildRaw(n) {
  return rawCollection(rawTasks(n));
}
