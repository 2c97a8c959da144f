/**
 * Test support: the schedulers every case runs on, and independent references over plain JS
 * nested arrays (never the code under test).
 */
import { afterAll } from 'vitest';
import { closePool } from '@tsdask/scheduler-local';
import type { NDArray } from '@tsdask/array';

export const SCHEDULERS = ['sync', 'threads'] as const;

afterAll(async () => {
  await closePool();
});

export type N = number | N[];

/** Shape of a nested array. */
export function shapeOf(x: unknown): number[] {
  const s: number[] = [];
  let v = x;
  while (Array.isArray(v)) {
    s.push(v.length);
    v = v[0];
  }
  return s;
}

/** Flat C-order values of a nested array. */
export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [Number(x)];
}

/** Builds a nested array of `shape` with values f(flat index, nd index). */
export function build(shape: number[], f: (i: number, idx: number[]) => number): N {
  let k = 0;
  const rec = (d: number, idx: number[]): N =>
    d === shape.length ? f(k++, idx) : Array.from({ length: shape[d] as number }, (_, i) => rec(d + 1, [...idx, i]));
  return rec(0, []);
}

/** Element at an nd index of a nested array. */
export function at(x: N, idx: number[]): number {
  let v: N = x;
  for (const i of idx) v = (v as N[])[i] as N;
  return v as number;
}

/** Reference element-wise map with NumPy broadcasting over nested arrays / scalars. */
export function refMap(f: (...v: number[]) => number, ...xs: (N | number)[]): N {
  const shapes = xs.map(shapeOf);
  const nd = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < nd; d++) out.push(Math.max(...shapes.map((s) => (s.length - nd + d >= 0 ? (s[s.length - nd + d] as number) : 1))));
  return build(out, (_, idx) =>
    f(
      ...xs.map((x, k) => {
        const s = shapes[k] as number[];
        const local = idx.slice(nd - s.length).map((i, d) => ((s[d] as number) === 1 ? 0 : i));
        return at(x as N, local);
      }),
    ),
  );
}

/** Reference reduction over one axis (or all when undefined). */
export function refReduce(x: N, axis: number | undefined, f: (vals: number[]) => number): N | number {
  const shape = shapeOf(x);
  if (axis === undefined) return f(flat(x));
  const outShape = shape.filter((_, d) => d !== axis);
  return build(outShape, (_, idx) => {
    const vals: number[] = [];
    for (let k = 0; k < (shape[axis] as number); k++) vals.push(at(x, [...idx.slice(0, axis), k, ...idx.slice(axis)]));
    return f(vals);
  });
}

/** Asserts equal shapes and values within a relative tolerance (NaN equals NaN). */
export function expectClose(got: NDArray | number | bigint | boolean, want: N | number, tol = 1e-9): void {
  const g = typeof got === 'object' ? (got.toArray() as N) : Number(got);
  const gs = shapeOf(g);
  const ws = shapeOf(want);
  if (JSON.stringify(gs) !== JSON.stringify(ws)) throw new Error(`shape ${JSON.stringify(gs)} != expected ${JSON.stringify(ws)}`);
  const a = flat(g);
  const b = flat(want);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)))) throw new Error(`element ${i}: got ${x}, expected ${y} (got ${JSON.stringify(g).slice(0, 300)})`);
  }
}
