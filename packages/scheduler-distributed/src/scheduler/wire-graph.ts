/**
 * An update-graph message checked and turned into the TaskGraph the state machine takes. The
 * CSR must hold together (lengths, depPtr monotone from 0 to depIdx.length, depIdx in range,
 * no cycle), keys must be unique, outputs must be keys of the graph or known to the scheduler,
 * and `held` keys must be held by the scheduler. Nodes stay WireNodes: the scheduler never
 * decodes them, it forwards them in compute-task. Throws a typed error; changes nothing.
 */
import { invertCsr, NotHeldError, topologicalOrder, type Key, type Node, type TaskGraph } from '@tsdask/core-graph';
import { MessageShapeError } from '../comm/errors.js';
import type { UpdateGraphMsg } from '../protocol/messages.js';

const bad = (field: string, what: string): MessageShapeError =>
  new MessageShapeError(`message.${field}`, `The 'update-graph' message's ${what}; the graph was refused. This is a bug in the client that built it.`);

/** Checks `m` and lowers it; `has(key)` says whether the scheduler holds a key, `known(key)` whether it knows it. */
export function wireGraph(m: UpdateGraphMsg, has: (key: Key) => boolean, known: (key: Key) => boolean, scheduler: string): TaskGraph {
  const n = m.keys.length;
  if (m.nodes.length !== n) throw bad('nodes', `nodes has ${m.nodes.length} entries for ${n} keys`);
  if (m.priorities.length !== n && m.priorities.length !== 0) throw bad('priorities', `priorities has ${m.priorities.length} entries for ${n} keys`);
  if (m.depPtr.length !== n + 1) throw bad('depPtr', `depPtr has ${m.depPtr.length} entries, not keys + 1 = ${n + 1}`);
  if (m.depPtr[0] !== 0 || m.depPtr[n] !== m.depIdx.length) throw bad('depPtr', `depPtr must run from 0 to depIdx.length (${m.depIdx.length})`);
  const depPtr = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const p = m.depPtr[i]!;
    if (!Number.isInteger(p) || (i > 0 && p < depPtr[i - 1]!)) throw bad('depPtr', `depPtr[${i}] = ${p} is not an integer at least depPtr[${i - 1}]`);
    depPtr[i] = p;
  }
  const depIdx = new Int32Array(m.depIdx.length);
  for (let e = 0; e < depIdx.length; e++) {
    const d = m.depIdx[e]!;
    if (!Number.isInteger(d) || d < 0 || d >= n) throw bad('depIdx', `depIdx[${e}] = ${d} is not a task id in 0..${n - 1}`);
    depIdx[e] = d;
  }
  const index = new Map<Key, number>();
  for (let i = 0; i < n; i++) {
    if (index.has(m.keys[i]!)) throw bad('keys', `key '${m.keys[i]}' appears twice`);
    index.set(m.keys[i]!, i);
  }
  for (const k of m.outputs) if (!index.has(k) && !known(k)) throw bad('outputs', `output '${k}' is neither a key of the graph nor known to the scheduler`);
  for (const k of m.held) if (!has(k)) throw new NotHeldError(k, scheduler);
  const { outPtr, outIdx } = invertCsr(n, depPtr, depIdx);
  // Opaque: the machine stores each node and hands it back in compute-task; only the shell reads it, as a WireNode.
  const g: TaskGraph = { size: n, keys: m.keys, nodes: m.nodes as unknown as Node[], index, depPtr, depIdx, outPtr, outIdx };
  topologicalOrder(g); // GraphCycleError naming the keys of a cycle
  return g;
}
