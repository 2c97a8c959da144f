/**
 * Writes a batch's members as flat codes (the runtime's flat-batch.ts has the format): when
 * every member is a flat task (`{ op, args }` of refs and primitives, not a quote), each goes
 * as its op's index in the batch's ops, its argument count and one int32 per argument (a ref
 * as the slot of a member or input, a small integer as itself, any other primitive as an index
 * into the batch's literals). No key and no JSON crosses to the worker, and the worker builds
 * no key map: a few ints per task instead of ~100 bytes of JSON parsed there.
 * The codes go on a shared buffer of this writer's, reused once the batch has ended.
 */
import { isRef, QUOTE_OP, type Key, type TaskGraph } from '@tsdask/core-graph';
import { FLAT_INT, FLAT_INT_LIMIT, FLAT_LIT, FLAT_REF } from '@tsdask/runtime';
import type { BatchPlan } from './state/batches.js';

/** Int32s of a new shared buffer for a batch's codes (grown as needed, then kept). */
const FIRST_CODES = 1 << 14;

export class FlatCodes {
  /** Scratch: the slot of each member and input of the batch being written, by task id. */
  readonly #slot: Int32Array;
  /** Shared buffers free for the next batch (one per batch in flight, about). */
  readonly #free: Int32Array[] = [];
  #buf: Int32Array = new Int32Array(0);
  /** The dependencies by key of task `#manyOf`, one of many dependencies (`#refId`). */
  readonly #many = new Map<Key, number>();
  #manyOf = -1;
  #pos = 0;

  /** `slot`: scratch per task id, shared with the caller (it holds no value between batches). */
  constructor(
    readonly g: TaskGraph,
    readonly plan: BatchPlan,
    slot: Int32Array,
  ) {
    this.#slot = slot;
  }

  /**
   * The codes of batch b's members, or undefined when one is not flat (the caller ships the
   * batch another way). `opAt(t)` is the index of task t's op in the batch's ops, or -1 when its
   * node is not a flat task; literals other than small integers are appended to `literals`.
   */
  encode(b: number, opAt: (t: number) => number, literals: unknown[]): Int32Array | undefined {
    const plan = this.plan;
    const lo = plan.memPtr[b]!;
    const hi = plan.memPtr[b + 1]!;
    const m = hi - lo;
    const slot = this.#slot;
    for (let j = 0; j < m; j++) slot[plan.memIdx[lo + j]!] = j;
    const inLo = plan.inPtr[b]!;
    for (let e = inLo; e < plan.inPtr[b + 1]!; e++) slot[plan.inIdx[e]!] = m + e - inLo;
    this.#buf = this.#free.pop() ?? new Int32Array(new SharedArrayBuffer(4 * FIRST_CODES));
    this.#pos = 0;
    this.#put(m);
    for (let j = lo; j < hi; j++) {
      const t = plan.memIdx[j]!;
      const o = opAt(t);
      if (o < 0 || !this.#member(t, o, literals)) {
        this.#free.push(this.#buf);
        literals.length = 0;
        return undefined;
      }
    }
    return new Int32Array(this.#buf.buffer, 0, this.#pos);
  }

  /** Writes member t (op index o); false when its node is not a flat task. */
  #member(t: number, o: number, literals: unknown[]): boolean {
    const node = this.g.nodes[t] as { op: string; args: unknown[] };
    if (node.op === QUOTE_OP || isRef(node)) return false;
    const args = node.args;
    const n = args.length;
    this.#room(2 + n);
    this.#buf[this.#pos++] = o;
    this.#buf[this.#pos++] = n;
    const { depPtr, depIdx } = this.g;
    // A task's dependencies are listed in the order its refs first appear (lowerGraph), so the
    // next one is almost always the ref's; `#refId` looks further when it is not.
    let next = depPtr[t]!;
    for (let a = 0; a < n; a++) {
      const x = args[a];
      let code: number;
      if (typeof x === 'number' && (x | 0) === x && x >= -FLAT_INT_LIMIT && x < FLAT_INT_LIMIT && (x !== 0 || 1 / x > 0)) {
        code = (x << 2) | FLAT_INT;
      } else if (typeof x === 'object' && x !== null) {
        if (!isRef(x)) return false;
        const key = x.ref;
        let d = next < depPtr[t + 1]! ? depIdx[next]! : -1;
        if (d >= 0 && this.g.keys[d] === key) next++;
        else d = this.#refId(t, key);
        if (d < 0) return false;
        code = (this.#slot[d]! << 2) | FLAT_REF;
      } else {
        code = (literals.length << 2) | FLAT_LIT;
        literals.push(x);
      }
      this.#buf[this.#pos++] = code;
    }
    return true;
  }

  /**
   * The dependency of task t whose key is `key` (a ref given twice, or deps in another order),
   * or -1. Past 32 dependencies, through a map of the task's dependencies by key, made once for
   * it (the graph's own index may keep no table: withKnownIndex).
   */
  #refId(t: number, key: Key): number {
    const { depPtr, depIdx, keys } = this.g;
    const lo = depPtr[t]!;
    const hi = depPtr[t + 1]!;
    if (hi - lo <= 32) {
      for (let e = lo; e < hi; e++) if (keys[depIdx[e]!] === key) return depIdx[e]!;
      return -1;
    }
    if (this.#manyOf !== t) {
      this.#many.clear();
      for (let e = hi - 1; e >= lo; e--) this.#many.set(keys[depIdx[e]!] as Key, depIdx[e]!);
      this.#manyOf = t;
    }
    return this.#many.get(key) ?? -1;
  }

  /** Makes room for `n` more codes (a new shared buffer of twice the size, the codes copied). */
  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = new Int32Array(new SharedArrayBuffer(4 * Math.max(2 * this.#buf.length, this.#pos + n)));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  #put(x: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = x;
  }

  /** The batch of `codes` has ended: its shared buffer is free again. */
  release(codes: Int32Array): void {
    if (codes.buffer instanceof SharedArrayBuffer) this.#free.push(new Int32Array(codes.buffer));
  }
}
