/**
 * The lowered task graph: keys interned to integer ids, dependencies and dependents in CSR
 * `Int32Array`s on SharedArrayBuffers. Cull, fusion, ordering and the schedulers' bookkeeping
 * work on these arrays (a graphology graph costs ~330 bytes and ~4.5 µs per node and edge,
 * too much for millions of tasks).
 *
 * `lowerGraph(entries)` builds one from key/node pairs, derives dependencies from the refs in
 * each node (nested ones too, deduplicated), and rejects refs to absent keys
 * (`MissingKeyError`) and cycles (`GraphCycleError`, naming the keys on the cycle).
 * A TaskGraph is immutable: passes build new ones. Arrays per task, kept or scratch, live on
 * SharedArrayBuffers (sharedInt32, sharedUint8): plain ones count as V8 external memory, and
 * every 64 MB of it starts a full collection of a heap that holds millions of tasks.
 */
import { GraphCycleError, MissingKeyError } from '../errors.js';
import { forEachRef, isRef, QUOTE_OP, type Key, type Node, type Ref } from '../spec/index.js';
import { CsrBuilder, invertCsr } from './csr.js';
import { LazyKeyIndex } from './key-index.js';
import { KeyTable } from './key-table.js';
import { sharedInt32, sharedUint8 } from './int-buffer.js';

/** A lowered, integer-indexed task graph. */
export interface TaskGraph {
  /** Number of tasks. */
  readonly size: number;
  /** Key of each id. */
  readonly keys: readonly Key[];
  /** Node (task or literal) of each id. */
  readonly nodes: readonly Node[];
  /** Id of each key. */
  readonly index: ReadonlyMap<Key, number>;
  /** Dependencies of id i are `depIdx[depPtr[i] .. depPtr[i+1])`. */
  readonly depPtr: Int32Array;
  readonly depIdx: Int32Array;
  /** Dependents of id i are `outIdx[outPtr[i] .. outPtr[i+1])`. */
  readonly outPtr: Int32Array;
  readonly outIdx: Int32Array;
}

/**
 * Lowers key/node pairs to a TaskGraph (a key given twice keeps its place and its last node);
 * throws on missing keys and cycles. `consume` is accepted for callers written when the
 * index was a Map that could be reused; the index is a KeyTable now and the entries are
 * never modified.
 */
export function lowerGraph(entries: Iterable<readonly [Key, Node]> | ReadonlyMap<Key, Node>, opts: { consume?: boolean } = {}): TaskGraph {
  void opts;
  const keys: Key[] = [];
  const nodes: Node[] = [];
  const index = new KeyTable(keys, entries instanceof Map ? entries.size : 0);
  const add = (n: Node, k: Key): void => {
    const id = index.insert(k);
    if (id === nodes.length) nodes.push(n);
    else nodes[id] = n;
  };
  if (entries instanceof Map) (entries as Map<Key, Node>).forEach(add);
  else for (const [k, n] of entries as Iterable<readonly [Key, Node]>) add(n, k);
  return lowerArrays(keys, nodes, index);
}

/** Lowers parallel arrays of keys and nodes (keys unique; `index` maps key to position). */
export function lowerArrays(keys: Key[], nodes: Node[], index?: ReadonlyMap<Key, number>): TaskGraph {
  const n = keys.length;
  if (index === undefined) index = new KeyTable(keys);
  const idx = index;
  const deps = new CsrBuilder(n, { distinct: n });
  let current = 0;
  const visit = (k: Key): void => {
    const d = idx.get(k);
    if (d === undefined) throw new MissingKeyError(k, keys[current]);
    deps.push(d);
  };
  for (let i = 0; i < n; i++) {
    current = i;
    deps.start(i);
    const node = nodes[i];
    if (typeof node !== 'object' || node === null) continue;
    // The common task, `{ op, args }` of literals and refs, without the general walk (its
    // stack array per node); `flatRefs` says false, having visited nothing, for anything else.
    if (!flatRefs(node, visit)) forEachRef(node, visit);
  }
  const { ptr: depPtr, idx: depIdx } = deps.finish();
  const { outPtr, outIdx } = invertCsr(n, depPtr, depIdx);
  const g: TaskGraph = { size: n, keys, nodes, index: idx, depPtr, depIdx, outPtr, outIdx };
  assertAcyclic(g);
  return g;
}

/**
 * Visits the refs of a task whose args are literals and refs only, in order, and says true;
 * says false, having visited none, for any other node (the general walk then takes it).
 */
function flatRefs(node: object, visit: (k: Key) => void): boolean {
  const t = node as { op?: unknown; args?: unknown };
  if (typeof t.op !== 'string' || t.op === QUOTE_OP || !Array.isArray(t.args) || isRef(node)) return false;
  const args = t.args as unknown[];
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    if (typeof a === 'object' && a !== null && !isRef(a)) return false;
  }
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    if (typeof a === 'object' && a !== null) visit((a as Ref).ref);
  }
  return true;
}

/** A topological order (dependencies first), or throws GraphCycleError naming a cycle. */
export function topologicalOrder(g: TaskGraph): Int32Array {
  const n = g.size;
  const pending = sharedInt32(n);
  const order = sharedInt32(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    pending[i] = g.depPtr[i + 1]! - g.depPtr[i]!;
    if (pending[i] === 0) order[tail++] = i;
  }
  while (head < tail) {
    const i = order[head++]!;
    for (let e = g.outPtr[i]!; e < g.outPtr[i + 1]!; e++) {
      const d = g.outIdx[e]!;
      if (--pending[d]! === 0) order[tail++] = d;
    }
  }
  if (tail < n) throw new GraphCycleError(findCycle(g, pending));
  return order;
}

function assertAcyclic(g: TaskGraph): void {
  topologicalOrder(g);
}

/** Walks unfinished nodes along unfinished dependencies until one repeats: that loop is a cycle. */
function findCycle(g: TaskGraph, pending: Int32Array): Key[] {
  let start = 0;
  while (pending[start] === 0) start++;
  const pos = new Map<number, number>();
  const path: number[] = [];
  let cur = start;
  while (!pos.has(cur)) {
    pos.set(cur, path.length);
    path.push(cur);
    let next = -1;
    for (let e = g.depPtr[cur]!; e < g.depPtr[cur + 1]!; e++) {
      if (pending[g.depIdx[e]!]! > 0) {
        next = g.depIdx[e]!;
        break;
      }
    }
    cur = next;
  }
  // Path runs dependent -> dependency; report in execution direction.
  return path
    .slice(pos.get(cur))
    .reverse()
    .map((i) => g.keys[i] as Key);
}

/** Keeps the ids where `keep[i]` is 1, in their order, remapping the CSR arrays. */
export function subgraph(g: TaskGraph, keep: Uint8Array, nodes?: readonly Node[]): TaskGraph {
  const n = g.size;
  const newId = sharedInt32(n).fill(-1);
  const keys: Key[] = [];
  const outNodes: Node[] = [];
  const src = nodes ?? g.nodes;
  for (let i = 0; i < n; i++) {
    if (keep[i]) {
      newId[i] = keys.length;
      keys.push(g.keys[i] as Key);
      outNodes.push(src[i]);
    }
  }
  const m = keys.length;
  const deps = new CsrBuilder(m);
  for (let i = 0; i < n; i++) {
    const j = newId[i]!;
    if (j < 0) continue;
    deps.start(j);
    for (let e = g.depPtr[i]!; e < g.depPtr[i + 1]!; e++) {
      const d = newId[g.depIdx[e]!]!;
      if (d >= 0) deps.push(d);
    }
  }
  const { ptr: depPtr, idx: depIdx } = deps.finish();
  const { outPtr, outIdx } = invertCsr(m, depPtr, depIdx);
  return { size: m, keys, nodes: outNodes, index: new LazyKeyIndex(keys), depPtr, depIdx, outPtr, outIdx };
}

/** The ids of the given keys; throws MissingKeyError for a key not in the graph. */
export function idsOf(g: TaskGraph, keys: readonly Key[]): Int32Array {
  const out = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const id = g.index.get(keys[i] as Key);
    if (id === undefined) throw new MissingKeyError(keys[i] as Key);
    out[i] = id;
  }
  return out;
}

/**
 * The same graph with an index that knows only `keys` (ids `ids`, as idsOf gives them) and
 * builds the full table again on the first lookup of any other key. What runs a graph looks up
 * only its outputs, so a graph handed on keeps no key table: as a KeyTable it is 8 bytes per
 * slot at 1.4 to 2.9 slots per key (11 to 23 bytes per task), as much as its CSR arrays.
 */
export function withKnownIndex(g: TaskGraph, keys: readonly Key[], ids: Int32Array): TaskGraph {
  const known: [Key, number][] = [];
  for (let i = 0; i < keys.length; i++) known.push([keys[i] as Key, ids[i]!]);
  return { ...g, index: new LazyKeyIndex(g.keys, known) };
}

/**
 * A new graph of the tasks not marked in `removed`, with their nodes taken from `nodes`
 * (rewritten by a pass), dependencies derived again from those nodes' refs.
 */
export function rebuildWithout(g: TaskGraph, removed: Uint8Array, nodes: readonly Node[]): TaskGraph {
  const keys: Key[] = [];
  const kept: Node[] = [];
  for (let i = 0; i < g.size; i++) {
    if (!removed[i]) {
      keys.push(g.keys[i] as Key);
      kept.push(nodes[i] as Node);
    }
  }
  return lowerArrays(keys, kept);
}

/** A mask with 1 at the id of each given key that is in the graph (outputs, persisted keys). */
export function keyMask(g: TaskGraph, keys: Iterable<Key>): Uint8Array {
  const mask = sharedUint8(g.size);
  for (const k of keys) {
    const id = g.index.get(k);
    if (id !== undefined) mask[id] = 1;
  }
  return mask;
}

/** The dependencies of id `i` as a plain array (for tests and small tools). */
export function dependenciesOf(g: TaskGraph, i: number): number[] {
  return Array.from(g.depIdx.subarray(g.depPtr[i], g.depPtr[i + 1]));
}

/** The dependents of id `i` as a plain array (for tests and small tools). */
export function dependentsOf(g: TaskGraph, i: number): number[] {
  return Array.from(g.outIdx.subarray(g.outPtr[i], g.outPtr[i + 1]));
}
