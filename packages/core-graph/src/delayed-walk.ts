/**
 * The cells of delayed values, and walks of the DAG under them: lowering it to a TaskGraph,
 * and visiting each value once.
 *
 * A Delayed holds one cell: a plain `{ ref: key }` object, which is also the reference that
 * the args of every task using the value hold (one per value, shared by all its dependents),
 * with the value's node and what keeps its user function alive under symbol keys, which JSON
 * and structured clone skip. The DAG is made of cells and nodes only: a graph keeps no Delayed
 * object (a user's Delayed of an intermediate value is garbage once the user drops it), no
 * list of dependencies per value (they are the cells its node's args hold, found by `depsOf`)
 * and no `{ ref }` object per argument. A walk marks the cells it has visited in their holds
 * slot and gives back what was there when it ends (WalkMarks).
 */
import { CsrBuilder, invertCsr } from './graph/csr.js';
import { LazyKeyIndex } from './graph/key-index.js';
import type { TaskGraph } from './graph/task-graph.js';
import { QUOTE_OP, type Arg, type Key, type Node } from './spec/index.js';

/** The symbol under which a cell keeps its value's node (task or literal). */
export const NODE: unique symbol = Symbol('tsdask.delayed.node');
/**
 * The symbol under which a cell keeps what keeps its user function alive (null for none),
 * except during a walk, which parks its marks there (numbers, which a holds never is). Never
 * undefined: that is how `depsOf` tells a cell from the other objects of a node.
 */
export const HOLDS: unique symbol = Symbol('tsdask.delayed.holds');
/** Set (on a prototype) on a node that is a fromGraph value: its key is computed by another graph. */
export const BACKED: unique symbol = Symbol('tsdask.delayed.backed');

/** A delayed value's cell: its key as a plain `{ ref }`, its node and its holds under symbols. */
export interface Cell {
  readonly ref: Key;
  [NODE]: Node;
  [HOLDS]: unknown;
}

/** How many fromGraph values have been made: while none, walks do not look for them. */
let backedMade = 0;

/** The cell of a value with key `key`, computed by `node`; `holds` is kept alive with it. */
export function makeCell(key: Key, node: Node, holds: unknown): Cell {
  return { ref: key, [NODE]: node, [HOLDS]: holds ?? null } as Cell;
}

/** The cell of a fromGraph value: its node is the value itself (whose prototype carries BACKED). */
export function backedCell(key: Key, value: object): Cell {
  backedMade++;
  return makeCell(key, value, null);
}

/** True once a fromGraph value has been made: until then no walk needs to look for one. */
export function anyBacked(): boolean {
  return backedMade > 0;
}

/** True when `c` is a fromGraph value's cell (its key is in another graph). */
export function isBacked(c: Cell): boolean {
  if (backedMade === 0) return false;
  const n = c[NODE];
  return typeof n === 'object' && n !== null && (n as { [BACKED]?: boolean })[BACKED] === true;
}

/** What keeps a cell's user function alive (undefined for none). */
export function holdsOf(c: Cell): unknown {
  const h = c[HOLDS];
  return h === null ? undefined : h;
}

/**
 * Lowers the DAG under some cells straight to a TaskGraph, without materializing a key/node
 * map: ids in post-order (dependencies first, in the order of the arguments), dependencies
 * read from each value's node (`depsOf`). A value can only depend on values that existed
 * before it, so there is no cycle to look for. Undefined when the DAG holds a fromGraph value
 * (its key is in another graph).
 */
export function lowerDelayed(roots: readonly Cell[]): TaskGraph | undefined {
  const marks = new WalkMarks();
  try {
    return lowerMarked(roots, marks);
  } finally {
    marks.restore();
  }
}

/**
 * The marks of one graph walk, parked in each visited cell's holds slot: a number there means
 * visited. `restore()` puts the holds back; a walk calls it in a finally.
 */
class WalkMarks {
  readonly #parked: Cell[] = [];
  readonly #held: unknown[] = [];
  /** Marks `c` with `mark` (a number); true when it was not marked yet. */
  mark(c: Cell, mark: number): boolean {
    const h = c[HOLDS];
    if (typeof h === 'number') return false;
    this.#parked.push(c);
    this.#held.push(h);
    c[HOLDS] = mark;
    return true;
  }
  restore(): void {
    const parked = this.#parked;
    const held = this.#held;
    for (let i = 0; i < parked.length; i++) (parked[i] as Cell)[HOLDS] = held[i];
    parked.length = 0;
    held.length = 0;
  }
}

/**
 * The DAG under `roots` in post-order: dependencies first, in the order of the arguments. Each
 * cell's mark is -1 while entered, then its post-order id. Undefined when the DAG holds a
 * fromGraph value (its key is in another graph).
 */
function postOrder(roots: readonly Cell[], marks: WalkMarks): Cell[] | undefined {
  const order: Cell[] = [];
  // An entered cell is pushed once more, below its dependencies (pushed last to first, so the
  // first is entered first), and popped again after them: then its mark is still -1, which is
  // how its exit is told from an enter. A cell marked -1 cannot come up as an enter: cells
  // above its exit on the stack depend on it, and a value cannot depend on itself (it can
  // only refer to values that existed before it), so there is no cycle to reach it again.
  const stack: Cell[] = roots.slice().reverse();
  const found: Cell[] = [];
  while (stack.length > 0) {
    const c = stack.pop() as Cell;
    const m = c[HOLDS];
    if (typeof m === 'number') {
      if (m === -1) c[HOLDS] = order.push(c) - 1;
      continue;
    }
    if (isBacked(c)) return undefined;
    marks.mark(c, -1);
    stack.push(c);
    found.length = 0;
    depsOf(c[NODE], found);
    for (let i = found.length - 1; i >= 0; i--) {
      const dep = found[i] as Cell;
      if (typeof dep[HOLDS] !== 'number') stack.push(dep);
    }
  }
  return order;
}

// The walk and the arrays are two functions: V8 compiles a long loop on the spot (OSR) with the
// type feedback gathered so far, and a second loop in the same function, called once per
// lowering, would deoptimize it when reached.
function lowerMarked(roots: readonly Cell[], marks: WalkMarks): TaskGraph | undefined {
  const order = postOrder(roots, marks);
  if (order === undefined) return undefined;
  const n = order.length;
  const keys = new Array<Key>(n);
  const nodes = new Array<Node>(n);
  const deps = new CsrBuilder(n, { distinct: n });
  const found: Cell[] = [];
  for (let i = 0; i < n; i++) {
    const c = order[i] as Cell;
    const node = c[NODE];
    keys[i] = c.ref;
    nodes[i] = node;
    deps.start(i);
    found.length = 0;
    depsOf(node, found);
    for (let j = 0; j < found.length; j++) deps.push((found[j] as Cell)[HOLDS] as number);
  }
  const { ptr: depPtr, idx: depIdx } = deps.finish();
  const { outPtr, outIdx } = invertCsr(n, depPtr, depIdx);
  const index = new LazyKeyIndex(
    keys,
    roots.map((r) => [r.ref, r[HOLDS] as number] as const),
  );
  return { size: n, keys, nodes, index, depPtr, depIdx, outPtr, outIdx };
}

/** Calls `visit` once for each cell of the DAG under `roots` (fromGraph values too, not entered), before marking it. */
export function walk(roots: readonly Cell[], visit: (c: Cell) => void): void {
  const marks = new WalkMarks();
  try {
    const stack: Cell[] = roots.slice();
    while (stack.length > 0) {
      const c = stack.pop() as Cell;
      if (typeof c[HOLDS] === 'number') continue;
      visit(c);
      marks.mark(c, 0);
      if (isBacked(c)) continue;
      const from = stack.length;
      depsOf(c[NODE], stack);
      // drop those already visited, in place
      let to = from;
      for (let i = from; i < stack.length; i++) {
        const dep = stack[i] as Cell;
        if (typeof dep[HOLDS] !== 'number') stack[to++] = dep;
      }
      stack.length = to;
    }
  } finally {
    marks.restore();
  }
}

/** Appends the cells a node refers to, in the order of its arguments (quoted data is never entered). */
export function depsOf(node: Arg, out: Cell[]): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const a = node[i] as Arg;
      if (typeof a === 'object' && a !== null) depsOf(a, out);
    }
    return;
  }
  if ((node as Cell)[HOLDS] !== undefined) {
    out.push(node as Cell);
    return;
  }
  const t = node as { op?: unknown; args?: unknown };
  if (typeof t.op === 'string' && t.op !== QUOTE_OP && Array.isArray(t.args)) depsOf(t.args as Arg[], out);
}
