/**
 * Batch planning: the unit the local schedulers dispatch. Dispatching one task at a time costs
 * ~10-60 µs per task in messages, so tasks are grouped into batches: each task is merged into
 * its only dependent while the batch stays under `maxSize` tasks (chains and reduction
 * subtrees, bottom-up). A task with several dependents, a requested output, a pick (one item
 * of another result: the pieces of a shuffle, see `pickOf`) or a shuffle's output bucket that
 * feeds a combining task ends a batch. So every batch is an in-tree with one root (its last
 * task), whose result is the only one that leaves the worker; the members' intermediate
 * results are freed inside it. A pick is a batch of its own, marked in `pick`: the shell takes
 * it in its own thread (run-graph.ts).
 *
 * Pure: arrays in, arrays out.
 */
import { CsrBuilder, groupCsr, invertCsr, pickOf, sharedInt32, sharedUint8, type Csr, type TaskGraph } from '@tsdask/core-graph';

export interface BatchPlan {
  /** Number of batches. Batch ids are in order of their root's priority. */
  readonly count: number;
  /** Batch of each task. */
  readonly batchOf: Int32Array;
  /** Members of batch b, in execution order: memIdx[memPtr[b] .. memPtr[b+1]). The last is the root. */
  readonly memPtr: Int32Array;
  readonly memIdx: Int32Array;
  /** Root task of each batch. */
  readonly root: Int32Array;
  /** External input tasks (roots of other batches) of batch b: inIdx[inPtr[b] .. inPtr[b+1]). */
  readonly inPtr: Int32Array;
  readonly inIdx: Int32Array;
  /** Batches that read batch b's root: outIdx[outPtr[b] .. outPtr[b+1]). */
  readonly outPtr: Int32Array;
  readonly outIdx: Int32Array;
  /** 1 where batch b is a single pick task (see `pickOf`). */
  readonly pick: Uint8Array;
}

/** Groups tasks into batches; `prio` must be topological (dependencies first), as `order` gives. */
export function planBatches(g: TaskGraph, prio: Int32Array, isOutput: Uint8Array, maxSize: number): BatchPlan {
  // One loop per function below: V8 compiles a long-running loop on the spot (OSR) with the
  // type feedback gathered so far, so a function of many loops, called once per compute, is
  // deoptimized at each loop it had not reached yet (first computes of a process pay for that).
  const n = g.size;
  // Arrays per task on shared memory (core-graph's sharedInt32 says why).
  const byPrio = sharedInt32(n);
  for (let i = 0; i < n; i++) byPrio[prio[i]!] = i;
  const { isPick, fromPicks } = picksOf(g, byPrio);
  const joined = joinTasks(g, byPrio, isOutput, maxSize, isPick, fromPicks);
  const { count, batchOf, root } = numberBatches(g, byPrio, joined);

  // Members grouped by batch, stable in priority order (a counting sort).
  const { ptr: memPtr, idx: memIdx } = groupCsr(count, batchOf, byPrio, true);
  const { ptr: inPtr, idx: inIdx } = batchInputs(g, count, batchOf, memPtr, memIdx);
  const batchIn = new Int32Array(inIdx.length);
  for (let e = 0; e < inIdx.length; e++) batchIn[e] = batchOf[inIdx[e]!]!;
  const { outPtr, outIdx } = invertCsr(count, inPtr, batchIn);
  const pick = new Uint8Array(count);
  for (let b = 0; b < count; b++) if (memPtr[b + 1]! - memPtr[b]! === 1 && isPick[root[b]!]) pick[b] = 1;
  return { count, batchOf, memPtr, memIdx, root, inPtr, inIdx, outPtr, outIdx, pick };
}

/**
 * Picks, and tasks computed from picks. Downstream of a shuffle, one batch must never need
 * several buckets at once: a pick ends its batch, and so does a task computed from picks (an
 * output bucket, a join or partial reduction of one) whose dependent combines several inputs
 * (a tree reduction, a concatenation): each bucket then runs, and is held or spilled, on its own.
 */
function picksOf(g: TaskGraph, byPrio: Int32Array): { isPick: Uint8Array; fromPicks: Uint8Array } {
  const n = g.size;
  const isPick = sharedUint8(n);
  const fromPicks = sharedUint8(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (pickOf(g.nodes[i]) !== undefined) {
      isPick[i] = 1;
      any = true;
    }
  }
  if (!any) return { isPick, fromPicks };
  for (let p = 0; p < n; p++) {
    const t = byPrio[p]!;
    for (let e = g.depPtr[t]!; e < g.depPtr[t + 1]!; e++) {
      const d = g.depIdx[e]!;
      if (isPick[d] || fromPicks[d]) fromPicks[t] = 1;
    }
  }
  return { isPick, fromPicks };
}

/** Merges each task into its only dependent while the batch stays under maxSize: 1 for the tasks merged. */
function joinTasks(g: TaskGraph, byPrio: Int32Array, isOutput: Uint8Array, maxSize: number, isPick: Uint8Array, fromPicks: Uint8Array): Uint8Array {
  const n = g.size;
  const size = sharedInt32(n).fill(1);
  const joined = sharedUint8(n);
  for (let p = 0; p < n; p++) {
    const t = byPrio[p]!;
    for (let e = g.depPtr[t]!; e < g.depPtr[t + 1]!; e++) {
      const c = g.depIdx[e]!;
      if (isOutput[c] || g.outPtr[c + 1]! - g.outPtr[c]! !== 1) continue;
      if (size[t]! + size[c]! > maxSize) continue;
      if (isPick[c] === 1 || (fromPicks[c] === 1 && g.depPtr[t + 1]! - g.depPtr[t]! > 1)) continue;
      joined[c] = 1;
      size[t]! += size[c]!;
    }
  }
  return joined;
}

/** Numbers the roots in priority order, then gives each joined task its dependent's batch. */
function numberBatches(g: TaskGraph, byPrio: Int32Array, joined: Uint8Array): { count: number; batchOf: Int32Array; root: Int32Array } {
  const n = g.size;
  const batchOf = sharedInt32(n);
  let count = 0;
  for (let p = 0; p < n; p++) {
    const t = byPrio[p]!;
    if (!joined[t]) batchOf[t] = count++;
  }
  const root = new Int32Array(count);
  for (let p = n - 1; p >= 0; p--) {
    const t = byPrio[p]!;
    if (joined[t]) batchOf[t] = batchOf[g.outIdx[g.outPtr[t]!]!]!;
    else root[batchOf[t]!] = t;
  }
  return { count, batchOf, root };
}

/** Distinct external inputs per batch; each is the root of exactly one other batch. */
function batchInputs(g: TaskGraph, count: number, batchOf: Int32Array, memPtr: Int32Array, memIdx: Int32Array): Csr {
  const ins = new CsrBuilder(count, { distinct: g.size, shared: false });
  for (let b = 0; b < count; b++) {
    ins.start(b);
    for (let m = memPtr[b]!; m < memPtr[b + 1]!; m++) {
      const t = memIdx[m]!;
      for (let e = g.depPtr[t]!; e < g.depPtr[t + 1]!; e++) {
        const d = g.depIdx[e]!;
        if (batchOf[d] !== b) ins.push(d);
      }
    }
  }
  return ins.finish();
}
