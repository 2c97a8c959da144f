/** A growable Int32 list for building CSR arrays without per-item allocation. */
export class IntBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
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

/** An Int32Array of `n` zeros on a SharedArrayBuffer. */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}
