/**
 * CSR (compressed sparse row) arrays, and the one place that builds them: the entries of row r
 * are idx[ptr[r] .. ptr[r + 1]). Task graphs keep their dependencies and dependents so, the
 * local scheduler its batches' members and inputs, the dataframe join the rows of each key.
 *   CsrBuilder  rows filled one after another, entries pushed one by one (optionally each
 *               distinct entry once per row), without allocating per entry;
 *   invertCsr   the transpose (dependencies -> dependents), each row in ascending order;
 *   groupCsr    items grouped by a group number (a stable counting sort).
 */
import { IntBuffer, sharedInt32 } from './int-buffer.js';

/** Row r's entries are idx[ptr[r] .. ptr[r + 1]). */
export interface Csr {
  ptr: Int32Array;
  idx: Int32Array;
}

/** Builds CSR arrays row by row: `start(r)` for r = 0, 1, ... in order, `push` entries, then `finish`. */
export class CsrBuilder {
  readonly ptr: Int32Array;
  private readonly buf: IntBuffer;
  /** With distinct entries: the last row each entry was pushed in. */
  private readonly mark: Int32Array | undefined;
  private row = 0;
  private readonly shared: boolean;

  /**
   * `rows`: the number of rows. `distinct`: entries are below this number and each is kept once
   * per row. `shared`: the arrays live on SharedArrayBuffers (workers can read them; default true).
   */
  constructor(
    private readonly rows: number,
    opts: { distinct?: number; shared?: boolean; capacity?: number } = {},
  ) {
    this.shared = opts.shared !== false;
    this.ptr = this.shared ? sharedInt32(rows + 1) : new Int32Array(rows + 1);
    this.buf = new IntBuffer(opts.capacity ?? rows * 2 + 16, this.shared);
    this.mark = opts.distinct === undefined ? undefined : sharedInt32(opts.distinct).fill(-1);
  }

  /** Starts row r (after rows 0 .. r - 1). */
  start(r: number): void {
    this.ptr[r] = this.buf.length;
    this.row = r;
  }

  /** Adds entry v to the current row (with distinct entries, unless the row has it already). */
  push(v: number): void {
    const mark = this.mark;
    if (mark !== undefined) {
      if (mark[v] === this.row) return;
      mark[v] = this.row;
    }
    this.buf.push(v);
  }

  /** The arrays (rows not started are empty only if they come last). */
  finish(): Csr {
    const len = this.buf.length;
    this.ptr[this.rows] = len;
    const idx = this.shared ? this.buf.toShared() : this.buf.data.slice(0, len);
    return { ptr: this.ptr, idx };
  }
}

/** Builds the reverse adjacency (dependents) of a CSR adjacency, on shared memory. */
export function invertCsr(n: number, ptr: Int32Array, idx: Int32Array): { outPtr: Int32Array; outIdx: Int32Array } {
  const outPtr = sharedInt32(n + 1);
  for (let e = 0; e < ptr[n]!; e++) outPtr[idx[e]! + 1]!++;
  for (let i = 0; i < n; i++) outPtr[i + 1]! += outPtr[i]!;
  const fill = sharedInt32(n);
  fill.set(outPtr.subarray(0, n));
  const outIdx = sharedInt32(ptr[n]!);
  for (let i = 0; i < n; i++) {
    for (let e = ptr[i]!; e < ptr[i + 1]!; e++) {
      const d = idx[e]!;
      outIdx[fill[d]!++] = i;
    }
  }
  return { outPtr, outIdx };
}

/**
 * The items of each of `count` groups: row g holds every item i with groupOf[i] = g (items
 * with a negative group are left out), in the order of `order` (default 0, 1, 2, ...).
 * `shared`: the arrays go on SharedArrayBuffers (for arrays per task of a big graph, see
 * sharedInt32; not for kernels' results, which may be transferred).
 */
export function groupCsr(count: number, groupOf: Int32Array, order?: Int32Array, shared = false): Csr {
  const n = order === undefined ? groupOf.length : order.length;
  const ptr = shared ? sharedInt32(count + 1) : new Int32Array(count + 1);
  for (let p = 0; p < n; p++) {
    const g = groupOf[order === undefined ? p : order[p]!]!;
    if (g >= 0) ptr[g + 1]!++;
  }
  for (let g = 0; g < count; g++) ptr[g + 1]! += ptr[g]!;
  const fill = shared ? sharedInt32(count) : new Int32Array(count);
  fill.set(ptr.subarray(0, count));
  const idx = shared ? sharedInt32(ptr[count]!) : new Int32Array(ptr[count]!);
  for (let p = 0; p < n; p++) {
    const i = order === undefined ? p : order[p]!;
    const g = groupOf[i]!;
    if (g >= 0) idx[fill[g]!++] = i;
  }
  return { ptr, idx };
}
