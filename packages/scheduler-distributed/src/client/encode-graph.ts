/**
 * A lowered task graph as the client sends it (the fields of `update-graph`): keys, nodes
 * (encodeNode: JSON or codec bytes), the dependency CSR as plain number arrays, the outputs,
 * priorities from core-graph's `order()` (one O(n) walk), the keys whose node is `held(key)`,
 * and the sources of the user functions (`fn:` ops) the nodes use, each checked portable first
 * (scheduler-local's `portableSources`: a closure with a free variable is NotPortableError,
 * as on 'threads', before anything is sent). `graphHead` is all of it but the nodes, which the
 * messages encode from the graph as they are cut (`nodeSource`): a task that travels in a layer
 * template (encode-layers.ts) is never encoded at all, and the others are encoded part by part
 * while earlier parts are on the wire. `graphParts` cuts a big graph into `update-graph-part`
 * messages and a last `update-graph`, so that no message is huge and the scheduler can ingest
 * the graph in slices without blocking its event loop.
 */
import { isHeld, order, type Key, type TaskGraph } from '@tsdask/core-graph';
import { opsOf, survivesJson } from '@tsdask/runtime';
import { portableSources } from '@tsdask/scheduler-local';
import type { UpdateGraphMsg, UpdateGraphPartMsg, WireNode } from '../protocol/messages.js';
import { encodeNode, encodeWireValue } from '../protocol/values.js';

/** An update-graph message less its nodes (each encoded from the graph when its message is cut). */
export type GraphHead = Omit<UpdateGraphMsg, 'nodes'>;

/** The update-graph message of `graph` for `outputs`; throws NotPortableError for a function that cannot travel. */
export function encodeGraph(id: number, graph: TaskGraph, outputs: readonly Key[]): UpdateGraphMsg {
  const head = graphHead(id, graph, outputs);
  const nodes = new Array<WireNode>(graph.size);
  for (let i = 0; i < graph.size; i++) nodes[i] = encodeNode(graph.nodes[i]);
  return { ...head, nodes };
}

/**
 * The update-graph message of `graph` for `outputs` less its nodes; throws NotPortableError for
 * a function that cannot travel, and SpillError for a node that cannot (a node that is not plain
 * JSON is encoded once here to find out, so encoding it later cannot throw).
 */
export function graphHead(id: number, graph: TaskGraph, outputs: readonly Key[]): GraphHead {
  const sources = portableSources(opsOf(graph.nodes));
  const n = graph.size;
  const held: Key[] = [];
  for (let i = 0; i < n; i++) {
    const node = graph.nodes[i];
    if (isHeld(node)) held.push(graph.keys[i] as Key);
    if (!survivesJson(node)) encodeWireValue(node);
  }
  return {
    type: 'update-graph',
    id,
    keys: graph.keys.slice(),
    depPtr: numbersOf(graph.depPtr),
    depIdx: numbersOf(graph.depIdx),
    outputs: outputs.slice(),
    priorities: numbersOf(order(graph, outputs)),
    held,
    sources,
  };
}

/** The wire node of task `id`: the message's own when it carries its nodes, else encoded from `graph` now. */
export function nodeSource(msg: UpdateGraphMsg | GraphHead, graph: TaskGraph | undefined): (id: number) => WireNode {
  if ('nodes' in msg) {
    const nodes = msg.nodes;
    return (id) => nodes[id] as WireNode;
  }
  if (graph === undefined || graph.size !== msg.keys.length) throw new TypeError('graphParts: a message without its nodes needs the graph it was made from');
  const nodes = graph.nodes;
  return (id) => encodeNode(nodes[id]);
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
 * The messages of `splitUpdateGraph`, each cut (and, for a GraphHead, its nodes encoded from
 * `graph`) when it is asked for: a connection sending them with `sendEach` cuts and encodes part
 * k+1 while part k is on its way (and the scheduler decodes it).
 */
export function* graphParts(
  msg: UpdateGraphMsg | GraphHead,
  partTasks: number = GRAPH_PART_TASKS,
  graph?: TaskGraph,
): Generator<UpdateGraphMsg | UpdateGraphPartMsg> {
  const n = msg.keys.length;
  const nodeOf = nodeSource(msg, graph);
  const hasPriorities = msg.priorities.length === n;
  const slice = (from: number, to: number): Omit<UpdateGraphPartMsg, 'type' | 'id'> => {
    const e0 = msg.depPtr[from]!;
    const depPtr = new Array<number>(to - from + 1);
    for (let i = from; i <= to; i++) depPtr[i - from] = msg.depPtr[i]! - e0;
    const nodes = new Array<WireNode>(to - from);
    for (let i = from; i < to; i++) nodes[i - from] = nodeOf(i);
    return {
      keys: msg.keys.slice(from, to),
      nodes,
      depPtr,
      depIdx: msg.depIdx.slice(e0, msg.depPtr[to]),
      priorities: hasPriorities ? msg.priorities.slice(from, to) : [],
    };
  };
  if (!(partTasks >= 1) || n <= partTasks) {
    yield 'nodes' in msg ? msg : { ...msg, ...slice(0, n) };
    return;
  }
  let from = 0;
  let parts = 0;
  for (; n - from > partTasks; from += partTasks, parts++) yield { type: 'update-graph-part', id: msg.id, ...slice(from, from + partTasks) };
  yield { ...msg, ...slice(from, n), parts };
}
