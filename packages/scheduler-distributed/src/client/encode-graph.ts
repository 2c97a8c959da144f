/**
 * A lowered task graph as the client sends it (the fields of `update-graph`): keys, nodes
 * (encodeNode: JSON or codec bytes), the dependency CSR as plain number arrays, the outputs,
 * priorities from core-graph's `order()` (one O(n) walk), the keys whose node is `held(key)`,
 * and the sources of the user functions (`fn:` ops) the nodes use, each checked portable first
 * (scheduler-local's `portableSources`: a closure with a free variable is NotPortableError,
 * as on 'threads', before anything is sent). `splitUpdateGraph` cuts a big one into
 * `update-graph-part` messages and a last `update-graph`, so that no message is huge and the
 * scheduler can ingest the graph in slices without blocking its event loop.
 */
import { isHeld, order, type Key, type TaskGraph } from '@tsdask/core-graph';
import { opsOf } from '@tsdask/runtime';
import { portableSources } from '@tsdask/scheduler-local';
import type { UpdateGraphMsg, UpdateGraphPartMsg } from '../protocol/messages.js';
import { encodeNode } from '../protocol/values.js';

/** The update-graph message of `graph` for `outputs`; throws NotPortableError for a function that cannot travel. */
export function encodeGraph(id: number, graph: TaskGraph, outputs: readonly Key[]): UpdateGraphMsg {
  const sources = portableSources(opsOf(graph.nodes));
  const n = graph.size;
  const nodes = new Array<UpdateGraphMsg['nodes'][number]>(n);
  const held: Key[] = [];
  for (let i = 0; i < n; i++) {
    const node = graph.nodes[i];
    nodes[i] = encodeNode(node);
    if (isHeld(node)) held.push(graph.keys[i] as Key);
  }
  return {
    type: 'update-graph',
    id,
    keys: graph.keys.slice(),
    nodes,
    depPtr: numbersOf(graph.depPtr),
    depIdx: numbersOf(graph.depIdx),
    outputs: outputs.slice(),
    priorities: numbersOf(order(graph, outputs)),
    held,
    sources,
  };
}

/** The typed array's values as a number array (a plain loop: Array.from goes through the iterator, about 100x slower at a million). */
function numbersOf(a: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  return out;
}

/**
 * Tasks per `update-graph-part` message: a part of plain tasks is about half a MiB, decoded,
 * checked and appended by the scheduler in about 10 ms of CPU, the longest step of its intake
 * that is not sliced (the scheduler's connection yields between parts, comm/connection.ts).
 */
export const GRAPH_PART_TASKS = 5_000;

/**
 * `msg` as the messages to send in order: itself when it has at most `partTasks` tasks, else
 * `update-graph-part` messages of `partTasks` tasks each and a last `update-graph` (the rest of
 * the tasks, the outputs, held keys and sources, and `parts`: how many parts came before).
 */
export function splitUpdateGraph(msg: UpdateGraphMsg, partTasks: number = GRAPH_PART_TASKS): (UpdateGraphMsg | UpdateGraphPartMsg)[] {
  return [...graphParts(msg, partTasks)];
}

/**
 * The messages of `splitUpdateGraph`, each cut when it is asked for: a connection sending them
 * with `sendEach` cuts and encodes part k+1 while part k is on its way (and the scheduler decodes it).
 */
export function* graphParts(msg: UpdateGraphMsg, partTasks: number = GRAPH_PART_TASKS): Generator<UpdateGraphMsg | UpdateGraphPartMsg> {
  const n = msg.keys.length;
  if (!(partTasks >= 1) || n <= partTasks) {
    yield msg;
    return;
  }
  const hasPriorities = msg.priorities.length === n;
  const slice = (from: number, to: number): Omit<UpdateGraphPartMsg, 'type' | 'id'> => {
    const e0 = msg.depPtr[from]!;
    const depPtr = new Array<number>(to - from + 1);
    for (let i = from; i <= to; i++) depPtr[i - from] = msg.depPtr[i]! - e0;
    return {
      keys: msg.keys.slice(from, to),
      nodes: msg.nodes.slice(from, to),
      depPtr,
      depIdx: msg.depIdx.slice(e0, msg.depPtr[to]),
      priorities: hasPriorities ? msg.priorities.slice(from, to) : [],
    };
  };
  let from = 0;
  let parts = 0;
  for (; n - from > partTasks; from += partTasks, parts++) yield { type: 'update-graph-part', id: msg.id, ...slice(from, from + partTasks) };
  yield { ...msg, ...slice(from, n), parts };
}
