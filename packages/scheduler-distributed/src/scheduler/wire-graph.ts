/**
 * An update-graph message (with the `update-graph-part` messages before it, for a big graph)
 * checked and turned into the TaskGraph the state machine takes. Each part is checked as it
 * comes (GraphAssembly.add: lengths, its depPtr monotone from 0 to its depIdx.length, depIdx
 * non-negative integers, keys unique across parts) and its keys grouped (core-graph's
 * GroupAssigner, for the dashboard); `complete` adds the last part and checks
 * the outputs (keys of the graph or known to the scheduler) and `held` keys (held by it), and
 * returns the CycleCheck (cycle-check.ts: no cycle, depIdx in range) that the caller runs in
 * steps, so no one step walks the whole graph. Dependents (outPtr/outIdx) are inverted only if
 * read: the scheduler does not. Nodes stay WireNodes: the scheduler never decodes them, it
 * forwards them in compute-task. Throws a typed error; changes nothing.
 */
import { GroupAssigner, IntBuffer, invertCsr, NotHeldError, type Key, type Node, type TaskGraph } from '@tsdask/core-graph';
import { MessageShapeError } from '../comm/errors.js';
import type { UpdateGraphMsg, UpdateGraphPartMsg, WireNode } from '../protocol/messages.js';
import { CycleCheck } from './cycle-check.js';
import { KeyMap } from './state/key-map.js';

const bad = (field: string, what: string): MessageShapeError =>
  new MessageShapeError(`message.${field}`, `The 'update-graph' message's ${what}; the graph was refused. This is a bug in the client that built it.`);

/** A graph whose parts are all in: the priorities its client sent (undefined: none), and its cycle check still to run. */
export interface WiredGraph {
  graph: TaskGraph;
  priorities: Int32Array | undefined;
  check: CycleCheck;
  /** Each task's group (key prefix), assigned part by part as the parts came: what the dashboard aggregates by. */
  groups: { names: string[]; ids: Int32Array };
}

/** The parts of one graph as they arrive (see the header). */
export class GraphAssembly {
  readonly keys: Key[] = [];
  readonly nodes: WireNode[] = [];
  readonly index: Map<Key, number> = new KeyMap<number>();
  readonly #depPtr = new IntBuffer();
  readonly #depIdx = new IntBuffer();
  readonly #priorities = new IntBuffer();
  readonly #groups = new GroupAssigner();
  readonly #groupIds = new IntBuffer();
  #parts = 0;

  constructor() {
    this.#depPtr.push(0);
  }
  /** Whether the parts so far carried priorities (all must, or none). */
  #withPriorities: boolean | undefined;

  /**
   * Checks and appends one part (a part message, the final message's own tasks, or some blocks of
   * a layer message: then `ends` is false but for its last blocks, so a message counts once
   * among the `parts` the final message names); throws MessageShapeError.
   */
  add(m: Pick<UpdateGraphPartMsg, 'keys' | 'nodes' | 'depPtr' | 'depIdx' | 'priorities'>, ends = true): void {
    const n = m.keys.length;
    const at = `part ${this.#parts}`;
    if (m.nodes.length !== n) throw bad('nodes', `nodes has ${m.nodes.length} entries for ${n} keys (${at})`);
    const withPriorities = m.priorities.length === n && n > 0;
    if (m.priorities.length !== n && m.priorities.length !== 0) throw bad('priorities', `priorities has ${m.priorities.length} entries for ${n} keys (${at})`);
    if (n > 0 && this.#withPriorities !== undefined && withPriorities !== this.#withPriorities)
      throw bad('priorities', `priorities are given for some parts and not others (${at})`);
    if (m.depPtr.length !== n + 1) throw bad('depPtr', `depPtr has ${m.depPtr.length} entries, not keys + 1 = ${n + 1} (${at})`);
    if (m.depPtr[0] !== 0 || m.depPtr[n] !== m.depIdx.length) throw bad('depPtr', `depPtr must run from 0 to depIdx.length (${m.depIdx.length}) (${at})`);
    for (let i = 1; i <= n; i++) {
      const p = m.depPtr[i]!;
      if (!Number.isInteger(p) || p < m.depPtr[i - 1]!) throw bad('depPtr', `depPtr[${i}] = ${p} is not an integer at least depPtr[${i - 1}] (${at})`);
    }
    for (let e = 0; e < m.depIdx.length; e++) {
      const d = m.depIdx[e]!;
      if (!Number.isInteger(d) || d < 0) throw bad('depIdx', `depIdx[${e}] = ${d} is not a task id (${at})`);
    }
    const base = this.keys.length;
    for (let i = 0; i < n; i++) {
      const k = m.keys[i]!;
      const size = this.index.size;
      this.index.set(k, base + i); // one lookup, not has() then set(): a key already there leaves the size as it was
      if (this.index.size === size) throw bad('keys', `key '${k}' appears twice`); // the graph is refused: its index is dropped
    }
    if (n > 0) this.#withPriorities ??= withPriorities;
    const e0 = this.#depIdx.length;
    if (e0 + m.depIdx.length > 0x7fffffff) throw bad('depIdx', `the graph has more than 2^31 - 1 dependencies (${at})`);
    for (let i = 0; i < n; i++) {
      this.keys.push(m.keys[i]!);
      this.nodes.push(m.nodes[i]!);
      this.#depPtr.push(e0 + m.depPtr[i + 1]!);
      if (withPriorities) this.#priorities.push(m.priorities[i]!);
    }
    for (const d of m.depIdx) this.#depIdx.push(d);
    const ids = new Int32Array(n);
    this.#groups.assign(m.keys, ids);
    for (let i = 0; i < n; i++) this.#groupIds.push(ids[i]!);
    if (ends) this.#parts++;
  }

  /** Appends the final message's tasks and checks outputs and held keys; `has(key)` says whether the scheduler holds a key, `known(key)` whether it knows it. */
  complete(m: UpdateGraphMsg, has: (key: Key) => boolean, known: (key: Key) => boolean, scheduler: string): WiredGraph {
    const expected = m.parts ?? 0;
    if (this.#parts !== expected) throw bad('parts', `parts says ${expected} update-graph-part messages came before it, but ${this.#parts} did`);
    this.add(m);
    const n = this.keys.length;
    const depPtr = this.#depPtr.data.subarray(0, this.#depPtr.length);
    const depIdx = this.#depIdx.data.subarray(0, this.#depIdx.length);
    for (const k of m.outputs)
      if (!this.index.has(k) && !known(k)) throw bad('outputs', `output '${k}' is neither a key of the graph nor known to the scheduler`);
    for (const k of m.held) if (!has(k)) throw new NotHeldError(k, scheduler);
    let inverse: ReturnType<typeof invertCsr> | undefined;
    const out = (): ReturnType<typeof invertCsr> => (inverse ??= invertCsr(n, depPtr, depIdx));
    // Opaque: the machine stores each node and hands it back in compute-task; only the shell reads it, as a WireNode.
    const graph: TaskGraph = {
      size: n,
      keys: this.keys,
      nodes: this.nodes as unknown as Node[],
      index: this.index,
      depPtr,
      depIdx,
      get outPtr() {
        return out().outPtr;
      },
      get outIdx() {
        return out().outIdx;
      },
    };
    const priorities = this.#withPriorities === true ? this.#priorities.data.subarray(0, this.#priorities.length) : undefined;
    const groups = { names: this.#groups.names, ids: this.#groupIds.data.subarray(0, this.#groupIds.length) };
    return { graph, priorities, check: new CycleCheck(this.keys, depPtr, depIdx), groups };
  }
}

/** Checks a whole graph sent in one `update-graph` message and lowers it, cycle check included (see GraphAssembly). */
export function wireGraph(m: UpdateGraphMsg, has: (key: Key) => boolean, known: (key: Key) => boolean, scheduler: string): TaskGraph {
  const { graph, check } = new GraphAssembly().complete(m, has, known, scheduler);
  check.step(Infinity);
  return graph;
}
