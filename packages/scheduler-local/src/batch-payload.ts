/**
 * What the shell hands a batch: the payload an executor runs (members, their parents inside
 * the batch, inputs, ops and function sources, JSON-encoded when that survives a round trip),
 * and picks, which the shell takes itself without a worker.
 */
import { forEachOp, type Key, type Node, type OpId, type TaskGraph } from '@tsdask/core-graph';
import { evaluate, now, sizeOf, survivesJson, type BatchPayload } from '@tsdask/runtime';
import type { BatchPlan } from './state/batches.js';
import type { Stimulus } from './state/machine.js';

/**
 * Takes pick batch b (one item of another batch's result, see core-graph's `pickOf`) here, in
 * the scheduler's thread: no worker and no copy; worker -1 in events.
 */
export function takePick(g: TaskGraph, plan: BatchPlan, b: number, data: unknown[]): Stimulus {
  const start = now();
  const container = data[plan.batchOf[plan.inIdx[plan.inPtr[b]!]!]!];
  try {
    const value = evaluate(g.nodes[plan.root[b]!] as Node, () => container);
    data[b] = value;
    return { type: 'batch-finished', batch: b, worker: -1, start, stop: now(), nbytes: sizeOf(value) };
  } catch (err) {
    return { type: 'batch-erred', batch: b, member: 0, error: err as Error, worker: -1, start, stop: now() };
  }
}

/** What batch b sends to the executor: its members' keys and nodes, inputs, ops and the sources of function ops. */
export function buildPayload(g: TaskGraph, plan: BatchPlan, b: number, data: unknown[], sources: Map<OpId, string>, encodeJson: boolean): BatchPayload {
  const lo = plan.memPtr[b]!;
  const hi = plan.memPtr[b + 1]!;
  const m = hi - lo;
  const keys: Key[] = [];
  const nodes: Node[] = [];
  const parent = new Int32Array(m);
  const ops = new Set<OpId>();
  let json = encodeJson;
  for (let j = 0; j < m; j++) {
    const t = plan.memIdx[lo + j]!;
    const node = g.nodes[t] as Node;
    keys.push(g.keys[t] as Key);
    nodes.push(node);
    if (json && !survivesJson(node)) json = false;
    forEachOp(node, (o) => ops.add(o));
  }
  // Each non-root member has exactly one dependent, inside the batch; find its local index.
  if (m > 1) {
    const localOf = new Map<number, number>();
    for (let j = 0; j < m; j++) localOf.set(plan.memIdx[lo + j]!, j);
    for (let j = 0; j < m - 1; j++) {
      const t = plan.memIdx[lo + j]!;
      parent[j] = localOf.get(g.outIdx[g.outPtr[t]!]!) ?? -1;
    }
  }
  parent[m - 1] = -1;
  const inLo = plan.inPtr[b]!;
  const inHi = plan.inPtr[b + 1]!;
  const inputKeys = new Array<Key>(inHi - inLo);
  const inputs = new Array<unknown>(inHi - inLo);
  for (let e = inLo; e < inHi; e++) {
    const t = plan.inIdx[e]!;
    inputKeys[e - inLo] = g.keys[t] as Key;
    inputs[e - inLo] = data[plan.batchOf[t]!];
  }
  const srcs: [OpId, string][] = [];
  for (const o of ops) {
    const s = sources.get(o);
    if (s !== undefined) srcs.push([o, s]);
  }
  const payload: BatchPayload = { keys, nodes, parent, inputKeys, inputs, ops: [...ops], sources: srcs, batch: b };
  if (json) {
    payload.json = JSON.stringify([keys, nodes]);
    payload.keys = [];
    payload.nodes = [];
  }
  return payload;
}
