/** A growable Int32 list for building CSR arrays without per-item allocation. */
export class IntBuffer {
  data: Int32Array;
  length = 0;
  /**
   * `shared`: the list lives on SharedArrayBuffers (see sharedInt32), for lists per task of a
   * graph that may have millions; off by default, for lists whose buffer may be transferred.
   */
  constructor(
    capacity = 1024,
    private readonly shared = false,
  ) {
    this.data = this.#alloc(Math.max(16, capacity));
  }
  #alloc(n: number): Int32Array {
    return this.shared ? sharedInt32(n) : new Int32Array(n);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.#alloc(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Copies the contents into a new Int32Array on a SharedArrayBuffer (workers can read it). */
  toShared(): Int32Array {
    const out = sharedInt32(this.length);
    out.set(this.data.subarray(0, this.length));
    return out;
  }
}

/**
 * An Int32Array of `n` zeros on a SharedArrayBuffer. Arrays per task of a big graph go there
 * even when no worker reads them: V8 counts a plain ArrayBuffer's bytes as external memory and
 * starts a full mark-compact of the whole heap for every 64 MB more of it, so allocating them
 * on a graph of millions of tasks (a heap of gigabytes) cost several full collections; shared
 * memory is not counted.
 */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

/** A Uint8Array of `n` zeros on a SharedArrayBuffer (see sharedInt32). */
export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n);
}
