/**
 * A graph's messages with its layers as templates (issue 14: "the client sends a graph as layers
 * where it can and in chunks where it cannot"). The runs of blocks that a layer template gives
 * back exactly (core-graph's findTemplatedRuns: inferred from the lowered, optimized graph and
 * checked against every task, so whatever cull, inline and fusion did, a run holds only tasks
 * the template reproduces key by key and node by node) travel as `update-graph-layer` messages
 * of at most `partTasks` blocks: a template (a few hundred bytes), a range, and the priorities
 * as progression runs. Every other task travels in `update-graph-part`s as before, first, so a
 * layer's references always name keys the scheduler has already numbered: the tasks are
 * renumbered parts first, then the runs in dependency order (a run that reads another comes
 * after it). A graph with no run long enough, or whose runs read each other in a cycle, goes as
 * plain parts (`graphParts`). Only tasks whose node travels as JSON go in runs (the
 * scheduler writes an expanded node as JSON text, exactly what a part would carry).
 *
 * Dask's `__dask_distributed_pack__` sent HighLevelGraph layers pickled and unpacked them in the
 * scheduler, layer class by layer class; it was dropped for the pickling cost and its
 * maintenance. Templates are plain data and one expansion serves every kind of layer.
 *
 * The scheduler gets the same tasks, dependencies and priorities as from the parts, only
 * numbered differently; priorities (order() in the client, one per task) keep the order.
 */
import { findTemplatedRuns, forEachRef, keyName, registerOption, type Key, type TaskGraph, type TemplatedRun } from '@tsdask/core-graph';
import { survivesJson } from '@tsdask/runtime';
import type { UpdateGraphLayerMsg, UpdateGraphMsg, UpdateGraphPartMsg, WireNode } from '../protocol/messages.js';
import { encodePriorityRuns } from '../protocol/priority-runs.js';
import { GRAPH_PART_TASKS, graphParts, nodeSource, type GraphHead } from './encode-graph.js';

/** The config setting (default true): false sends every graph task by task, in parts. */
export const GRAPH_LAYERS = 'distributed.layers';
registerOption(GRAPH_LAYERS, {
  owner: '@tsdask/scheduler-distributed',
  check: (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${JSON.stringify(v)}`),
});

/** The fewest blocks a run must have to travel as a template. */
export const MIN_LAYER_RUN = 256;

/** A message of a graph, as sent in order. */
export type GraphMessage = UpdateGraphMsg | UpdateGraphPartMsg | UpdateGraphLayerMsg;

/** Options of graphMessages. */
export interface GraphMessageOptions {
  /** Tasks per part and blocks per layer message (default GRAPH_PART_TASKS). */
  partTasks?: number;
  /** The fewest blocks a run must have (default MIN_LAYER_RUN). */
  minRun?: number;
}

/**
 * The messages that send `msg` (the update-graph of `graph`, or its GraphHead: then each node is
 * encoded from `graph` when its part is cut, and a node that goes in a template never is):
 * layers where templates hold, parts for the rest (see the header). The runs are found when the
 * first message is asked for.
 */
export function graphMessages(msg: UpdateGraphMsg | GraphHead, graph: TaskGraph, opts: GraphMessageOptions = {}): Iterable<GraphMessage> {
  const partTasks = opts.partTasks ?? GRAPH_PART_TASKS;
  const n = msg.keys.length;
  const minRun = opts.minRun ?? MIN_LAYER_RUN;
  if (graph.size !== n || n < minRun) return graphParts(msg, partTasks, graph);
  return layeredMessages(msg, graph, partTasks, minRun);
}

function* layeredMessages(msg: UpdateGraphMsg | GraphHead, graph: TaskGraph, partTasks: number, minRun: number): Generator<GraphMessage> {
  const n = msg.keys.length;
  // Only a node JSON gives back unchanged may go in a run (the scheduler writes an expanded node as JSON text).
  const eligible = 'nodes' in msg ? (id: number) => typeof msg.nodes[id] === 'string' : (id: number) => survivesJson(graph.nodes[id]);
  const runs = orderRuns(findTemplatedRuns(graph, { minRun, eligible }));
  if (runs === undefined || runs.length === 0) {
    yield* graphParts(msg, partTasks, graph);
    return;
  }
  // New ids: the tasks outside runs in their order, then each run's blocks in order.
  const newId = new Int32Array(n).fill(-1);
  let next = 0;
  for (const r of runs) for (const id of r.ids) newId[id] = 0;
  const rest: number[] = [];
  for (let id = 0; id < n; id++) {
    if (newId[id] === -1) {
      rest.push(id);
      newId[id] = next++;
    } else newId[id] = -2;
  }
  for (const r of runs) for (const id of r.ids) newId[id] = next++;
  const withPriorities = msg.priorities.length === n;
  const nodeOf = nodeSource(msg, graph);
  let parts = 0;
  for (let from = 0; from < rest.length; from += partTasks, parts++)
    yield { type: 'update-graph-part', id: msg.id, ...partOf(msg, nodeOf, rest, from, Math.min(rest.length, from + partTasks), newId, withPriorities) };
  for (const r of runs) {
    const template = JSON.stringify(r.template);
    for (let b = r.from; b < r.to; b += partTasks, parts++) {
      const e = Math.min(r.to, b + partTasks);
      const priorities = withPriorities ? encodePriorityRuns(Array.from(r.ids.subarray(b - r.from, e - r.from), (id) => msg.priorities[id] as number)) : [];
      yield { type: 'update-graph-layer', id: msg.id, template, from: b, to: e, priorities };
    }
  }
  yield { ...msg, keys: [], nodes: [], depPtr: [0], depIdx: [], priorities: [], parts };
}

/** Tasks `rest[from .. to)` of `msg` as a part, their nodes from `nodeOf`, their dependencies renumbered by `newId`. */
function partOf(
  msg: UpdateGraphMsg | GraphHead,
  nodeOf: (id: number) => WireNode,
  rest: readonly number[],
  from: number,
  to: number,
  newId: Int32Array,
  withPriorities: boolean,
): Omit<UpdateGraphPartMsg, 'type' | 'id'> {
  const keys: Key[] = [];
  const nodes: WireNode[] = [];
  const depPtr: number[] = [0];
  const depIdx: number[] = [];
  const priorities: number[] = [];
  for (let i = from; i < to; i++) {
    const id = rest[i] as number;
    keys.push(msg.keys[id] as Key);
    nodes.push(nodeOf(id));
    for (let e = msg.depPtr[id]!; e < msg.depPtr[id + 1]!; e++) depIdx.push(newId[msg.depIdx[e]!]!);
    depPtr.push(depIdx.length);
    if (withPriorities) priorities.push(msg.priorities[id]!);
  }
  return { keys, nodes, depPtr, depIdx, priorities };
}

/**
 * The runs in an order where a run comes after every run of a layer it reads (runs of one layer
 * never read each other: a template that reads its own layer is never inferred), or undefined
 * when they read each other in a cycle.
 */
function orderRuns(runs: TemplatedRun[]): TemplatedRun[] | undefined {
  const byName = new Map<string, number[]>();
  runs.forEach((r, i) => {
    const list = byName.get(r.template.name);
    if (list === undefined) byName.set(r.template.name, [i]);
    else list.push(i);
  });
  const reads = runs.map((r) => {
    const names = new Set<string>(r.template.refs.map((ref) => ref.name));
    forEachRef(r.template.node, (k) => {
      names.add(keyName(k));
    });
    const before: number[] = [];
    for (const name of names) for (const j of byName.get(name) ?? []) before.push(j);
    return before;
  });
  const out: TemplatedRun[] = [];
  const state = new Uint8Array(runs.length); // 0 new, 1 on the stack, 2 placed
  for (let root = 0; root < runs.length; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = reads[top[0]]!;
      if (top[1] < deps.length) {
        const d = deps[top[1]++]!;
        if (state[d] === 1) return undefined;
        if (state[d] === 0) {
          state[d] = 1;
          stack.push([d, 0]);
        }
      } else {
        state[top[0]] = 2;
        out.push(runs[top[0]]!);
        stack.pop();
      }
    }
  }
  return out;
}
