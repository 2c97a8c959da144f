/**
 * NDArray: an in-memory n-dimensional array, what `compute()` returns and what user functions
 * receive. A thin face over the plain chunk `{ data, shape, dtype }` (C order), with ndarray's
 * `strides` and `offset` so scijs and zarrita code can read it.
 */
import type { DType } from './dtype.js';
import type { ScalarOf, TypedArrayOf } from './dtype-rules.js';
import type { NDChunk } from './kernels/chunk.js';

/** A nested JS array of numbers (bigints for int64, booleans for bool). */
export type Nested = number | bigint | boolean | Nested[];

/** An in-memory array of dtype D (`NDArray<'float64'>` holds a Float64Array; plain `NDArray` any dtype). */
export class NDArray<out D extends DType = DType> implements NDChunk {
  readonly shape: readonly number[];
  constructor(
    readonly data: TypedArrayOf<D>,
    shape: readonly number[],
    readonly dtype: D,
  ) {
    this.shape = [...shape];
  }

  /** Rebuilds an NDArray from plain chunk data (after structured clone). */
  static from(c: NDChunk): NDArray {
    return c instanceof NDArray ? (c as NDArray) : new NDArray(c.data, c.shape, c.dtype);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** C-order strides in elements (ndarray's layout). */
  get strides(): number[] {
    const st = new Array<number>(this.shape.length);
    let s = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      st[d] = s;
      s *= this.shape[d] as number;
    }
    return st;
  }

  /** Offset of the first element in `data` (always 0: chunks are compact). */
  get offset(): number {
    return 0;
  }

  /** The element at an index (negative indices count from the end). */
  get(...index: number[]): ScalarOf<D> {
    if (index.length !== this.shape.length) {
      throw new RangeError(`get: ${index.length} indices for an array of dimension ${this.shape.length}.`);
    }
    let off = 0;
    const st = this.strides;
    index.forEach((i, d) => {
      const n = this.shape[d] as number;
      const j = i < 0 ? i + n : i;
      if (!Number.isInteger(j) || j < 0 || j >= n) throw new RangeError(`get: index ${i} is out of bounds for axis ${d} with size ${n}.`);
      off += j * (st[d] as number);
    });
    const v = (this.data as ArrayLike<number | bigint>)[off] as number | bigint;
    return (this.dtype === 'bool' ? v !== 0 : v) as ScalarOf<D>;
  }

  /** The values as nested JS arrays (booleans for bool, bigints for int64). */
  toArray(): Nested {
    const vals = this.data as ArrayLike<number | bigint>;
    const bool = this.dtype === 'bool';
    const build = (d: number, off: number, stride: number): Nested => {
      if (d === this.shape.length) {
        const v = vals[off] as number | bigint;
        return bool ? v !== 0 : v;
      }
      const n = this.shape[d] as number;
      const inner = stride / (n || 1);
      const out: Nested[] = [];
      for (let i = 0; i < n; i++) out.push(build(d + 1, off + i * inner, inner));
      return out;
    };
    return build(0, 0, this.data.length);
  }

  toString(): string {
    return `NDArray<${this.dtype}>(${this.shape.join(', ')})`;
  }
}
