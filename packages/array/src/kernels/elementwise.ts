/**
 * The element-wise kernel: `elementwise(program, ...chunks)` evaluates an expression tree over
 * broadcast chunks in ONE loop, compiled once per expression to plain JavaScript (no per-element
 * callbacks). Fused chains (`x.add(1).mul(2).sqrt()`) arrive as one expression, so they make one
 * pass over memory and no intermediate arrays.
 *
 * An expression node is plain data: `{ in: k, dtype }` (input chunk k), `{ c: value, dtype }`
 * (a constant), or `{ fn, args, dtype, opd }` (an operation whose arguments are converted to the
 * operand dtype `opd` and whose result has `dtype`).
 */
import type { DType } from '../dtype.js';
import { allocData, rowStarts, sizeOf, type NDChunk } from './chunk.js';
import { BroadcastError } from '../errors.js';
import { convert, H, literal, wrap } from './codegen.js';

/** A node of an element-wise expression. */
export type Expr =
  | { readonly in: number; readonly dtype: DType }
  | { readonly c: number | bigint | boolean; readonly dtype: DType }
  | { readonly fn: string; readonly args: readonly Expr[]; readonly dtype: DType; readonly opd: DType };

/** What an element-wise task carries: the expression (its root's dtype is the result's). */
export interface Program {
  readonly expr: Expr;
}

const MATH1 = new Set(['sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'tanh']);
const CMP: Record<string, string> = { eq: '===', ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' };

function isFloat(d: DType): boolean {
  return d === 'float64' || d === 'float32';
}

/** JavaScript source of an expression, reading input k through `read(k)`. */
export function gen(e: Expr, read: (k: number) => string): string {
  if ('in' in e) return read(e.in);
  if ('c' in e) return literal(e.c, e.dtype);
  const R = e.dtype;
  const O = e.opd;
  const a = e.args.map((x, i) => convert(gen(x, read), x.dtype, e.fn === 'where' && i === 0 ? 'bool' : O));
  const [x, y] = a as [string, string];
  const big = O === 'int64';
  switch (e.fn) {
    case 'add':
    case 'sub':
    case 'mul': {
      const sym = e.fn === 'add' ? '+' : e.fn === 'sub' ? '-' : '*';
      if (big) return `BigInt.asIntN(64, ${x} ${sym} ${y})`;
      // 32-bit products can pass 2^53, where a double loses the low bits the wrap keeps: imul
      if (e.fn === 'mul' && (O === 'int32' || O === 'uint32')) return wrap(`Math.imul(${x}, ${y})`, R, false);
      return wrap(`(${x} ${sym} ${y})`, R, isFloat(O));
    }
    case 'div':
      return wrap(`(${x} / ${y})`, R);
    case 'floordiv':
      if (big) return `H.bfloordiv(${x}, ${y})`;
      return isFloat(O) ? wrap(`H.ffloordiv(${x}, ${y})`, R) : wrap(`H.ifloordiv(${x}, ${y})`, R, false);
    case 'mod':
      if (big) return `H.bmod(${x}, ${y})`;
      return isFloat(O) ? wrap(`H.fmod(${x}, ${y})`, R) : wrap(`H.imod(${x}, ${y})`, R, false);
    case 'pow':
      if (big) return `H.bpow(${x}, ${y})`;
      return isFloat(O) ? wrap(`Math.pow(${x}, ${y})`, R) : wrap(`H.ipow(${x}, ${y})`, R, false);
    case 'maximum':
    case 'minimum':
      if (big) return `(${x} ${e.fn === 'maximum' ? '>=' : '<='} ${y} ? ${x} : ${y})`;
      return `H.${e.fn === 'maximum' ? 'max' : 'min'}(${x}, ${y})`;
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return `(${x} ${CMP[e.fn]} ${y} ? 1 : 0)`;
    case 'and':
    case 'or': {
      const sym = e.fn === 'and' ? '&' : '|';
      return big || O === 'bool' ? `(${x} ${sym} ${y})` : wrap(`(${x} ${sym} ${y})`, R, false);
    }
    case 'not':
      if (O === 'bool') return `(1 - ${x})`;
      return big ? `(~${x})` : wrap(`(~${x})`, R, false);
    case 'neg':
      return big ? `BigInt.asIntN(64, -${x})` : wrap(`(-${x})`, R, isFloat(O));
    case 'abs':
      return big ? `(${x} < 0n ? BigInt.asIntN(64, -${x}) : ${x})` : wrap(`Math.abs(${x})`, R, isFloat(O));
    case 'floor':
    case 'ceil':
      return isFloat(O) ? wrap(`Math.${e.fn}(${x})`, R) : x;
    case 'round': {
      if (e.args.length === 1) return isFloat(O) ? wrap(`H.round(${x})`, R) : x;
      // NumPy's round(x, d): rint(x * 10**d) / 10**d, or rint(x / 10**-d) * 10**-d, in the float type O
      const dec = Number((e.args[1] as { c: number }).c);
      const f32 = O === 'float32';
      const p = f32 ? Math.fround(H.pow10(Math.abs(dec))) : H.pow10(Math.abs(dec));
      const F = literal(p, 'float64');
      const r = (v: string): string => (f32 ? `Math.fround(${v})` : v);
      const body = dec > 0 ? r(`H.round(${r(`${x} * ${F}`)}) / ${F}`) : r(`H.round(${r(`${x} / ${F}`)}) * ${F}`);
      return convert(body, O, R);
    }
    case 'const':
      return a[1] as string;
    case 'isnan':
      return isFloat(O) ? `(${x} !== ${x} ? 1 : 0)` : '0';
    case 'where':
      return `(${x} ? ${y} : ${a[2]})`;
    case 'cast':
      return x;
    default:
      if (MATH1.has(e.fn)) return wrap(`Math.${e.fn}(${x})`, R);
      throw new TypeError(`Unknown element-wise operation '${e.fn}'.`);
  }
}

type Compiled = (out: unknown, ins: unknown[], offs: ArrayLike<number>[], rows: number, inner: number) => void;
const cache = new Map<string, Compiled>();

function keyOf(expr: Expr, contiguous: readonly boolean[]): string {
  return JSON.stringify(expr, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) + contiguous.map((c) => (c ? 1 : 0)).join('');
}

function compile(expr: Expr, contiguous: readonly boolean[]): Compiled {
  const key = keyOf(expr, contiguous);
  let f = cache.get(key);
  if (f !== undefined) return f;
  const n = contiguous.length;
  const decl: string[] = [];
  const row: string[] = [];
  for (let k = 0; k < n; k++) {
    decl.push(`const a${k} = ins[${k}], o${k} = offs[${k}];`);
    row.push(`const b${k} = o${k}[r];`);
  }
  const body = gen(expr, (k) => (contiguous[k] ? `a${k}[b${k} + j]` : `a${k}[b${k}]`));
  const src = `${decl.join('\n')}
for (let r = 0; r < rows; r++) {
  const ob = r * inner;
  ${row.join(' ')}
  for (let j = 0; j < inner; j++) out[ob + j] = ${body};
}`;
  f = new Function('H', `return function elementwiseLoop(out, ins, offs, rows, inner) {\n${src}\n};`)(H) as Compiled;
  cache.set(key, f);
  return f;
}

/** The broadcast shape of several shapes, or undefined when they do not broadcast. */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] | undefined {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let d = 0; d < s.length; d++) {
      const o = nd - s.length + d;
      const v = s[d] as number;
      if (v === 1) continue;
      if (out[o] === 1) out[o] = v;
      else if (out[o] !== v) return undefined;
    }
  }
  return out;
}

/** Evaluates an element-wise program over broadcast chunks. */
export function elementwise(program: Program, ...chunks: NDChunk[]): NDChunk {
  const shape = broadcastShapes(chunks.map((c) => c.shape));
  if (shape === undefined) {
    // planned shapes broadcast, so these are blocks of unknown size (after mask) that differ
    throw new BroadcastError(
      'elementwise (blocks of unknown size from different masks)',
      chunks.map((c) => c.shape),
    );
  }
  const n = sizeOf(shape);
  const dtype = program.expr.dtype;
  const out = allocData(dtype, n);
  if (n === 0) return { data: out, shape, dtype };
  const nd = shape.length;
  const allFull = chunks.every((c) => sizeOf(c.shape) === n && c.shape.length <= nd);
  const inner = allFull ? n : nd === 0 ? 1 : (shape[nd - 1] as number);
  const rows = n / inner;
  const contiguous: boolean[] = [];
  const offs: ArrayLike<number>[] = [];
  for (const c of chunks) {
    if (allFull) {
      contiguous.push(true);
      offs.push([0]);
      continue;
    }
    // strides of the input in output coordinates (0 where broadcast)
    const st = new Array<number>(nd).fill(0);
    let s = 1;
    for (let d = c.shape.length - 1; d >= 0; d--) {
      const o = nd - c.shape.length + d;
      st[o] = (c.shape[d] as number) === 1 ? 0 : s;
      s *= c.shape[d] as number;
    }
    contiguous.push(inner === 1 || st[nd - 1] === 1);
    offs.push(rowStarts(shape, st, rows));
  }
  compile(program.expr, contiguous)(
    out,
    chunks.map((c) => c.data),
    offs,
    rows,
    inner,
  );
  return { data: out, shape, dtype };
}
