/**
 * Walks of the DAG under Delayed values: lowering it to a TaskGraph, and visiting each value
 * once. A Delayed keeps no list of its dependencies: they are the Delayed values its node's
 * refs carry (`depRef`, under a symbol that JSON and structured clone skip), found by
 * `depsOf`. A walk marks the values it has visited in their `_hw` field and gives back what
 * was there when it ends (WalkMarks).
 */
import { CsrBuilder, invertCsr } from './graph/csr.js';
import { LazyKeyIndex } from './graph/key-index.js';
import type { TaskGraph } from './graph/task-graph.js';
import { QUOTE_OP, type Arg, type Key, type Node } from './spec/index.js';
import type { Delayed } from './delayed.js';

/**
 * Lowers the DAG under some Delayed values straight to a TaskGraph, without materializing a
 * key/node map: ids in post-order (dependencies first, in the order of the arguments),
 * dependencies read from each value's node (`depsOf`). A Delayed can only depend on values
 * that existed before it, so there is no cycle to look for. Undefined when the DAG holds a
 * fromGraph value (its key is in another graph).
 */
export function lowerDelayed(roots: readonly Delayed[]): TaskGraph | undefined {
  const marks = new WalkMarks();
  try {
    return lowerMarked(roots, marks);
  } finally {
    marks.restore();
  }
}

/**
 * The marks of one graph walk, parked in each visited value's `_hw` field (see Delayed): a
 * number there means visited. `restore()` puts the values back; a walk calls it in a finally.
 */
class WalkMarks {
  readonly #parked: Delayed[] = [];
  readonly #held: unknown[] = [];
  /** Marks `d` with `mark` (a number); true when it was not marked yet. */
  mark(d: Delayed, mark: number): boolean {
    const h = d._hw;
    if (typeof h === 'number') return false;
    this.#parked.push(d);
    this.#held.push(h);
    d._hw = mark;
    return true;
  }
  restore(): void {
    const parked = this.#parked;
    const held = this.#held;
    for (let i = 0; i < parked.length; i++) (parked[i] as Delayed)._hw = held[i];
    parked.length = 0;
    held.length = 0;
  }
}

/**
 * The DAG under `roots` in post-order: dependencies first, in the order of the arguments. Each
 * value's mark is -1 while entered, then its post-order id. Undefined when the DAG holds a
 * fromGraph value (its key is in another graph).
 */
function postOrder(roots: readonly Delayed[], marks: WalkMarks): Delayed[] | undefined {
  const order: Delayed[] = [];
  // An entered value is pushed once more, below its dependencies (pushed last to first, so the
  // first is entered first), and popped again after them: then its mark is still -1, which is
  // how its exit is told from an enter. A value marked -1 cannot come up as an enter: values
  // above its exit on the stack depend on it, and a Delayed cannot depend on itself (it can
  // only refer to values that existed before it), so there is no cycle to reach it again.
  const stack: Delayed[] = roots.slice().reverse();
  const found: Delayed[] = [];
  while (stack.length > 0) {
    const d = stack.pop() as Delayed;
    const m = d._hw;
    if (typeof m === 'number') {
      if (m === -1) d._hw = order.push(d) - 1;
      continue;
    }
    if (d._backed) return undefined;
    marks.mark(d, -1);
    stack.push(d);
    found.length = 0;
    depsOf(d.node, found);
    for (let i = found.length - 1; i >= 0; i--) {
      const dep = found[i] as Delayed;
      if (typeof dep._hw !== 'number') stack.push(dep);
    }
  }
  return order;
}

// The walk and the arrays are two functions: V8 compiles a long loop on the spot (OSR) with the
// type feedback gathered so far, and a second loop in the same function, called once per
// lowering, would deoptimize it when reached.
function lowerMarked(roots: readonly Delayed[], marks: WalkMarks): TaskGraph | undefined {
  const order = postOrder(roots, marks);
  if (order === undefined) return undefined;
  const n = order.length;
  const keys = new Array<Key>(n);
  const nodes = new Array<Node>(n);
  const deps = new CsrBuilder(n, { distinct: n });
  const found: Delayed[] = [];
  for (let i = 0; i < n; i++) {
    const d = order[i] as Delayed;
    keys[i] = d.key;
    nodes[i] = d.node;
    deps.start(i);
    found.length = 0;
    depsOf(d.node, found);
    for (let j = 0; j < found.length; j++) deps.push((found[j] as Delayed)._hw as number);
  }
  const { ptr: depPtr, idx: depIdx } = deps.finish();
  const { outPtr, outIdx } = invertCsr(n, depPtr, depIdx);
  const index = new LazyKeyIndex(
    keys,
    roots.map((r) => [r.key, r._hw as number] as const),
  );
  return { size: n, keys, nodes, index, depPtr, depIdx, outPtr, outIdx };
}

export function walk(roots: Delayed[], visit: (d: Delayed) => void): void {
  const marks = new WalkMarks();
  try {
    const stack: Delayed[] = roots.slice();
    while (stack.length > 0) {
      const d = stack.pop() as Delayed;
      if (!marks.mark(d, 0)) continue;
      visit(d);
      const from = stack.length;
      depsOf(d.node, stack);
      // drop those already visited, in place
      let to = from;
      for (let i = from; i < stack.length; i++) {
        const dep = stack[i] as Delayed;
        if (typeof dep._hw !== 'number') stack[to++] = dep;
      }
      stack.length = to;
    }
  } finally {
    marks.restore();
  }
}

/**
 * The symbol under which a `{ ref }` made by `encode` carries the Delayed it names. JSON and
 * structured clone skip symbol keys, and `isRef` still sees a plain `{ ref }`.
 */
const DEP = Symbol('tsdask.delayed.dep');
type DepRef = { ref: Key; [DEP]?: Delayed };

/** Appends the Delayed values a node refers to, in the order of its arguments (quoted data is never entered). */
export function depsOf(node: Arg, out: Delayed[]): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const a = node[i] as Arg;
      if (typeof a === 'object' && a !== null) depsOf(a, out);
    }
    return;
  }
  const d = (node as DepRef)[DEP];
  if (d !== undefined) {
    out.push(d);
    return;
  }
  const t = node as { op?: unknown; args?: unknown };
  if (typeof t.op === 'string' && t.op !== QUOTE_OP && Array.isArray(t.args)) depsOf(t.args as Arg[], out);
}

/** A reference to `d` that walks can follow back to it. */
export function depRef(d: Delayed): Arg {
  return { ref: d.key, [DEP]: d } as DepRef as Arg;
}
