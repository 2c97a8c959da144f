/**
 * A reduction of an element-wise expression in one pass: `reduceExpr(kind, program, axes,
 * ...chunks)` evaluates the expression element by element straight into the accumulators, so
 * `x.add(1).mul(2).sqrt().sum()` never materializes the chain's result. Used when fuse-blockwise
 * merges an element-wise chain into a reduction's partial step; chunks that need broadcasting
 * fall back to materializing the expression first.
 */
import type { DType } from '../dtype.js';
import { allocData, sizeOf, type NDChunk } from './chunk.js';
import { H } from './codegen.js';
import { elementwise, gen, type Program } from './elementwise.js';
import { bigAcc, exactIntAcc, initValue, keptShape, reduceSimple, rowOffsets, smallIntAcc, STEP, type SimpleKind } from './reduce.js';

type Loop = (out: unknown, ins: unknown[], rows: number, inner: number, ooff: Int32Array, innerReduced: boolean) => void;
const loops = new Map<string, Loop>();

function loopFor(kind: SimpleKind, program: Program, n: number, big: boolean, asNumber: boolean): Loop {
  const key = `${kind}:${big}:${asNumber}:${n}:${JSON.stringify(program.expr, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  let f = loops.get(key);
  if (f !== undefined) return f;
  const decl = Array.from({ length: n }, (_, k) => `const a${k} = ins[${k}];`).join(' ');
  const e = gen(program.expr, (k) => `a${k}[i]`);
  const v = asNumber ? `Number(${e})` : e;
  const step = big && (kind === 'prod' || kind === 'nanprod') ? 'BigInt.asIntN(64, A * V)' : (STEP[kind] as [string, string])[1];
  const src = `${decl}
if (innerReduced) {
  for (let r = 0; r < rows; r++) {
    const ob = ooff[r], base = r * inner;
    let A = out[ob];
    for (let j = 0; j < inner; j++) { const i = base + j; const V = ${v}; A = ${step}; }
    out[ob] = A;
  }
} else {
  for (let r = 0; r < rows; r++) {
    const ob = ooff[r], base = r * inner;
    for (let j = 0; j < inner; j++) { const i = base + j; const V = ${v}; const A = out[ob + j]; out[ob + j] = ${step}; }
  }
}`;
  f = new Function('H', `return function reduceExprLoop(out, ins, rows, inner, ooff, innerReduced) {\n${src}\n};`)(H) as Loop;
  loops.set(key, f);
  return f;
}

/** Reduces the expression over chunks (all of one shape; otherwise it is materialized first). */
export function reduceExpr(kind: SimpleKind, program: Program, axes: number[], ...chunks: NDChunk[]): NDChunk {
  const first = chunks[0] as NDChunk | undefined;
  const shape = first?.shape ?? [];
  const same = first !== undefined && chunks.every((c) => c.shape.length === shape.length && c.shape.every((s, d) => s === shape[d]));
  if (!same) return reduceSimple(kind, elementwise(program, ...chunks), axes);
  const dtype: DType = program.expr.dtype;
  const big = bigAcc(kind, dtype);
  const out = allocData(big ? 'int64' : 'float64', sizeOf(keptShape(shape, axes)));
  (out as { fill(v: unknown): unknown }).fill(initValue(kind, big));
  const { ooff, rows, inner, innerReduced } = rowOffsets(shape, axes);
  loopFor(kind, program, chunks.length, big, dtype === 'int64' && !big)(
    out,
    chunks.map((c) => c.data),
    rows,
    inner,
    ooff,
    innerReduced,
  );
  if (smallIntAcc(kind, dtype)) {
    // exact int64 partials as reduceSimple gives; when a double may have rounded, materialize and go exact
    const exact = exactIntAcc(kind, dtype, out as Float64Array, sizeOf(axes.map((d) => shape[d] as number)));
    if (exact === undefined) return reduceSimple(kind, elementwise(program, ...chunks), axes);
    return { data: exact, shape: keptShape(shape, axes), dtype: 'int64' };
  }
  return { data: out, shape: keptShape(shape, axes), dtype: big ? 'int64' : 'float64' };
}
