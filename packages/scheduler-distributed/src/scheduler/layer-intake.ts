/**
 * The scheduler's side of `update-graph-layer` (protocol/messages.ts): a range of blocks of a
 * layer template expanded into the part it stands for (keys, nodes as the JSON text a part
 * carries, dependencies as task ids of the graph, priorities), which then goes into the same
 * GraphAssembly as the parts (wire-graph.ts). One message expands at most LAYER_MESSAGE_TASKS
 * tasks (the client sends ~5k, as its parts), and the connection yields between messages, so
 * expanding a layer of a million tasks never holds the event loop for long.
 */
import { expandTemplate, templateProblem, templateSize, type Key, type LayerTemplate } from '@tsdask/core-graph';
import { MessageShapeError } from '../comm/errors.js';
import type { UpdateGraphLayerMsg, UpdateGraphPartMsg } from '../protocol/messages.js';
import { decodePriorityRuns } from '../protocol/priority-runs.js';

/** The most tasks one `update-graph-layer` message may expand. */
export const LAYER_MESSAGE_TASKS = 65_536;

const bad = (field: string, what: string): MessageShapeError =>
  new MessageShapeError(`message.${field}`, `The 'update-graph-layer' message's ${what}; the graph was refused. This is a bug in the client that built it.`);

/** The part a layer message stands for; `index` gives the ids of the keys of the graph's earlier parts. Throws MessageShapeError. */
export function layerPart(
  m: UpdateGraphLayerMsg,
  index: ReadonlyMap<Key, number>,
): Pick<UpdateGraphPartMsg, 'keys' | 'nodes' | 'depPtr' | 'depIdx' | 'priorities'> {
  let t: LayerTemplate;
  try {
    t = JSON.parse(m.template) as LayerTemplate;
  } catch (err) {
    throw bad('template', `template is not JSON (${(err as Error).message})`);
  }
  const problem = templateProblem(t);
  if (problem !== undefined) throw bad('template', `template ${problem}`);
  const size = templateSize(t);
  const { from, to } = m;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to <= from || to > size)
    throw bad('from', `blocks ${from} to ${to} are not a range within the template's ${size} blocks`);
  if (to - from > LAYER_MESSAGE_TASKS) throw bad('to', `range of ${to - from} blocks is over the ${LAYER_MESSAGE_TASKS} one message may hold`);
  const ex = expandTemplate(t, from, to);
  const n = ex.keys.length;
  const nodes = new Array<string>(n);
  for (let i = 0; i < n; i++) nodes[i] = JSON.stringify(ex.nodes[i]);
  const depIdx = new Array<number>(ex.depKeys.length);
  for (let e = 0; e < ex.depKeys.length; e++) {
    const k = ex.depKeys[e] as Key;
    const id = index.get(k);
    if (id === undefined) throw bad('template', `task refers to '${k}', which no earlier part of the graph has`);
    depIdx[e] = id;
  }
  const priorities = m.priorities.length === 0 ? [] : decodePriorityRuns(m.priorities, n);
  return { keys: ex.keys, nodes, depPtr: ex.depPtr, depIdx, priorities };
}
