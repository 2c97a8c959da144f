/**
 * A lowered task graph as the client sends it (the fields of `update-graph`): keys, nodes
 * (encodeNode: JSON or codec bytes), the dependency CSR as plain number arrays, the outputs,
 * priorities from core-graph's `order()` (one O(n) walk), the keys whose node is `held(key)`,
 * and the sources of the user functions (`fn:` ops) the nodes use, each checked portable first
 * (scheduler-local's `portableSources`: a closure with a free variable is NotPortableError,
 * as on 'threads', before anything is sent).
 */
import { isHeld, order, type Key, type TaskGraph } from '@tsdask/core-graph';
import { opsOf } from '@tsdask/runtime';
import { portableSources } from '@tsdask/scheduler-local';
import type { UpdateGraphMsg } from '../protocol/messages.js';
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
    depPtr: Array.from(graph.depPtr),
    depIdx: Array.from(graph.depIdx),
    outputs: outputs.slice(),
    priorities: Array.from(order(graph, outputs)),
    held,
    sources,
  };
}
