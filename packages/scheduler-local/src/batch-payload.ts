/**
 * What the shell hands a batch: the payload an executor runs (members, their parents inside
 * the batch, inputs, ops and function sources, JSON-encoded when that survives a round trip),
 * and picks, which the shell takes itself without a worker.
 */
import { forEachOp, sharedInt32, sharedUint8, type Key, type Node, type OpId, type TaskGraph } from '@tsdask/core-graph';
import { evaluate, now, sizeOf, type BatchPayload } from '@tsdask/runtime';
import { JsonBytes } from './json-bytes.js';
import { FlatCodes } from './flat-codes.js';
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

/** In `#opOf`: a node of several ops, or of none. */
const MANY_OPS = -1;
/**
 * The op of a task none of whose arguments holds another op (no array, no nested task: the
 * usual task), found without forEachOp's walk, which allocates a stack per node; else undefined.
 */
function flatOp(node: Node): OpId | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const t = node as { op?: unknown; args?: unknown };
  if (typeof t.op !== 'string' || !Array.isArray(t.args)) return undefined;
  const args = t.args as unknown[];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as { op?: unknown; args?: unknown } | null;
    if (typeof a !== 'object' || a === null) continue;
    if (Array.isArray(a) || (typeof a.op === 'string' && Array.isArray(a.args))) return undefined;
  }
  return t.op as OpId;
}

/** Bytes of a new shared buffer for a batch's JSON (grown as needed, then kept). */
const FIRST_BUFFER = 1 << 16;

/**
 * Builds the payloads of one run's batches. Made once per run: it walks every node once for
 * its ops (the run's `ops`, which the executor checks before anything runs) and remembers
 * each node's op when it has one only (the usual task), so a payload lists its ops without
 * walking its nodes again or filling a Set per batch. A node of several ops (fused) is walked
 * again at its batch's payload.
 */
export class PayloadBuilder {
  /** The distinct ops of the graph. */
  readonly ops = new Set<OpId>();
  /** The ops in order of first use, and each one's function source when shipped (else undefined). */
  readonly #opList: OpId[] = [];
  readonly #opIndex = new Map<OpId, number>();
  #sourceOf: (string | undefined)[] = [];
  /** Each node's op index, or MANY_OPS (several, or none). */
  readonly #opOf: Int32Array;
  /** 1 where the node is a task whose args hold no array and no task (`flatOp`): a candidate for flat codes. */
  readonly #flat: Uint8Array;
  /** The payload (counted from 1) that last listed op i: a payload lists each op once. */
  #listedBy = new Int32Array(0);
  /** The index of op i in the ops of the payload that last listed it. */
  #listedAt = new Int32Array(0);
  #built = 0;
  /** Scratch: the local index of each member of the batch being built (and of its inputs, in flat codes). */
  readonly #local: Int32Array;
  /** Writes batches' JSON bytes; shared buffers free for the next batch (one per batch in flight, about). */
  readonly #writer = new JsonBytes(new Uint8Array(0));
  readonly #free: Uint8Array[] = [];
  /** Writes batches of flat tasks as codes. */
  readonly #codes: FlatCodes;
  /** The index of task t's op in the ops of the payload being built, or -1 when its node is not a flat task (a closure made once). */
  readonly #opAt = (t: number): number => (this.#flat[t] === 1 ? this.#listedAt[this.#opOf[t]!]! : -1);

  constructor(
    readonly g: TaskGraph,
    readonly plan: BatchPlan,
  ) {
    const n = g.size;
    // Arrays per task on shared memory (core-graph's sharedInt32 says why).
    this.#opOf = sharedInt32(n);
    this.#local = sharedInt32(n);
    this.#flat = sharedUint8(n);
    this.#codes = new FlatCodes(g, plan, this.#local);
    let count = 0;
    let last = -1;
    const visit = (o: OpId): void => {
      count++;
      last = this.#indexOf(o);
    };
    for (let i = 0; i < n; i++) {
      const node = g.nodes[i] as Node;
      const flat = flatOp(node);
      if (flat !== undefined) {
        this.#opOf[i] = this.#indexOf(flat);
        this.#flat[i] = 1;
        continue;
      }
      count = 0;
      forEachOp(node, visit);
      this.#opOf[i] = count === 1 ? last : MANY_OPS;
    }
    this.#listedBy = new Int32Array(this.#opList.length);
    this.#listedAt = new Int32Array(this.#opList.length);
  }

  #indexOf(o: OpId): number {
    let i = this.#opIndex.get(o);
    if (i === undefined) {
      i = this.#opList.length;
      this.#opList.push(o);
      this.#opIndex.set(o, i);
      this.ops.add(o);
    }
    return i;
  }

  /** Sets the sources shipped with the ops that use them (function ops, for executors that compile them). */
  setSources(sources: ReadonlyMap<OpId, string>): void {
    this.#sourceOf = this.#opList.map((o) => sources.get(o));
  }

  /**
   * What batch b sends to the executor: its members' keys and nodes, inputs, ops and the
   * sources of function ops. With `encodeJson` (executors on other threads), members whose
   * nodes survive JSON go as JSON bytes on a shared buffer of this builder's (`jsonBytes`),
   * written with no string on this thread's heap; the buffer is reused once `release(payload)`
   * says the batch has ended.
   */
  build(b: number, data: unknown[], encodeJson: boolean): BatchPayload {
    const { g, plan } = this;
    const lo = plan.memPtr[b]!;
    const hi = plan.memPtr[b + 1]!;
    const m = hi - lo;
    const ops: OpId[] = [];
    const srcs: [OpId, string][] = [];
    const stamp = ++this.#built;
    const list = (i: number): void => {
      if (this.#listedBy[i] === stamp) return;
      this.#listedBy[i] = stamp;
      this.#listedAt[i] = ops.length;
      const o = this.#opList[i] as OpId;
      ops.push(o);
      const s = this.#sourceOf[i];
      if (s !== undefined) srcs.push([o, s]);
    };
    const listOp = (o: OpId): void => list(this.#opIndex.get(o) as number);
    for (let j = 0; j < m; j++) {
      const t = plan.memIdx[lo + j]!;
      const k = this.#opOf[t]!;
      if (k >= 0) list(k);
      else forEachOp(g.nodes[t] as Node, listOp);
    }
    const literals: unknown[] = [];
    const codes = encodeJson ? this.#codes.encode(b, this.#opAt, literals) : undefined;
    const bytes = encodeJson && codes === undefined ? this.#encode(lo, hi) : undefined;
    const coded = codes !== undefined || bytes !== undefined;
    const keys = coded ? [] : new Array<Key>(m);
    const nodes = coded ? [] : new Array<Node>(m);
    if (!coded) {
      for (let j = 0; j < m; j++) {
        const t = plan.memIdx[lo + j]!;
        keys[j] = g.keys[t] as Key;
        nodes[j] = g.nodes[t] as Node;
      }
    }
    // Each non-root member has exactly one dependent, inside the batch; find its local index.
    const parent = new Int32Array(m);
    if (m > 1) {
      const local = this.#local;
      for (let j = 0; j < m; j++) local[plan.memIdx[lo + j]!] = j;
      for (let j = 0; j < m - 1; j++) {
        const t = plan.memIdx[lo + j]!;
        parent[j] = local[g.outIdx[g.outPtr[t]!]!]!;
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
    const payload: BatchPayload = { keys, nodes, parent, inputKeys, inputs, ops, sources: srcs, batch: b };
    if (codes !== undefined) {
      payload.flat = codes;
      payload.literals = literals;
    } else if (bytes !== undefined) payload.jsonBytes = bytes;
    return payload;
  }

  /**
   * `[keys, nodes]` of members memIdx[lo .. hi) as JSON bytes on a free shared buffer, or
   * undefined (the buffer kept free) when a node does not survive JSON.
   */
  #encode(lo: number, hi: number): Uint8Array | undefined {
    const { g, plan } = this;
    const w = this.#writer;
    w.reset(this.#free.pop() ?? new Uint8Array(new SharedArrayBuffer(FIRST_BUFFER)));
    w.byte(0x5b);
    w.byte(0x5b);
    for (let j = lo; j < hi; j++) {
      if (j > lo) w.byte(0x2c);
      w.string(g.keys[plan.memIdx[j]!] as Key);
    }
    w.byte(0x5d);
    w.byte(0x2c);
    w.byte(0x5b);
    for (let j = lo; j < hi; j++) {
      if (j > lo) w.byte(0x2c);
      if (!w.value(g.nodes[plan.memIdx[j]!])) {
        this.#free.push(w.buf);
        return undefined;
      }
    }
    w.byte(0x5d);
    w.byte(0x5d);
    return new Uint8Array(w.buf.buffer, 0, w.pos);
  }

  /** Batch `payload` has ended (finished, failed, or its worker was lost): its shared buffer is free again. */
  release(payload: BatchPayload): void {
    if (payload.flat !== undefined) this.#codes.release(payload.flat);
    const bytes = payload.jsonBytes;
    if (bytes !== undefined && bytes.buffer instanceof SharedArrayBuffer) this.#free.push(new Uint8Array(bytes.buffer));
  }
}
