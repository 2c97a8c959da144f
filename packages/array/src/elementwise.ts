/**
 * Element-wise operations with NumPy broadcasting and dtype promotion. Each operation is one
 * core-graph BlockwiseLayer whose template calls the `elementwise` kernel with an expression;
 * `simplifyElementwise` merges nested element-wise kernels after fuse-blockwise, so a chain of
 * operations becomes one kernel, one loop and one pass over memory per block.
 */
import { BlockwiseLayer, isRef, quote, task, tokenize, type Arg, type Task } from '@tsdask/core-graph';
import type { DaskArray, Operand } from './array.js';
import { floatOf, kindOf, promoteTypes, promoteWithScalar, type DType, type Scalar } from './dtype.js';
import { BroadcastError, DTypeError } from './errors.js';
import { broadcastShapes, type Expr, type Program } from './kernels/elementwise.js';
import { K } from './layer.js';
import { DaskArray as ArrayClass } from './array.js';
import { rechunk } from './rechunk.js';
import { broadcastChunkShapes, isUnknownAxis } from './chunks.js';

const EW = K('elementwise');
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function isArray(x: unknown): x is DaskArray {
  return x instanceof ArrayClass;
}

/** Merges nested element-wise kernel calls into one expression over deduplicated inputs. */
export function simplifyElementwise(t: Task): Task {
  if (t.op !== EW) return t;
  const args: Arg[] = [];
  const refIndex = new Map<string, number>();
  const add = (a: Arg): number => {
    if (isRef(a)) {
      const k = refIndex.get(a.ref);
      if (k !== undefined) return k;
      refIndex.set(a.ref, args.length);
    }
    args.push(a);
    return args.length - 1;
  };
  const rebuild = (e: Expr, inputs: readonly Arg[]): Expr => {
    if ('in' in e) {
      const a = inputs[e.in] as Arg;
      if (typeof a === 'object' && a !== null && (a as Task).op === EW) {
        const inner = a as Task;
        const prog = ((inner.args[0] as Task).args[0] as Program).expr;
        return rebuild(prog, inner.args.slice(1));
      }
      return { in: add(a), dtype: e.dtype };
    }
    if ('c' in e) return e;
    return { fn: e.fn, args: e.args.map((x) => rebuild(x, inputs)), dtype: e.dtype, opd: e.opd };
  };
  const expr = rebuild(((t.args[0] as Task).args[0] as Program).expr, t.args.slice(1));
  return task(EW, quote({ expr } satisfies Program), ...args);
}

/** Builds the layer of an element-wise expression over arrays (its `{in: k}` leaves). */
export function elementwiseArray(opName: string, expr: Expr, arrays: DaskArray[]): DaskArray {
  const shapes = arrays.map((a) => a.shape);
  const unknown = arrays.some((a) => a.chunks.some(isUnknownAxis)); // blocks of unknown size (after mask)
  const shape = unknown ? broadcastChunkShapes(opName, arrays.map((a) => a.chunks)) : broadcastShapes(shapes);
  if (shape === undefined) throw new BroadcastError(opName, shapes);
  const nd = shape.length;
  const chunks: number[][] = [];
  for (let d = 0; d < nd; d++) {
    let pick: readonly number[] | undefined;
    for (const a of arrays) {
      const ad = d - (nd - a.ndim);
      if (ad < 0) continue;
      const c = a.chunks[ad] as number[];
      if (Object.is(a.shape[ad], shape[d]) && (pick === undefined || (pick.length === 1 && c.length > 1))) pick = c;
    }
    chunks.push([...(pick ?? [shape[d] as number])]);
  }
  const aligned = arrays.map((a) => {
    const want = a.chunks.map((c, ad) => {
      const d = ad + nd - a.ndim;
      return a.shape[ad] === 1 && !Object.is(shape[d], 1) ? c : (chunks[d] as number[]);
    });
    const same = want.every((w, ad) => w.length === (a.chunks[ad] as number[]).length && w.every((v, i) => v === (a.chunks[ad] as number[])[i] || Number.isNaN(v)));
    return same ? a : rechunk(a, want);
  });
  const outIndex = LETTERS.slice(0, nd);
  const name = `${opName}-${tokenize(opName, expr, aligned.map((a) => a.name))}`;
  const inputs = aligned.map((a) => ({ name: a.name, index: outIndex.slice(nd - a.ndim), numblocks: a.numblocks }));
  const template = task(EW, quote({ expr } satisfies Program), ...aligned.map((_, i) => BlockwiseLayer.arg(i)));
  const layer = new BlockwiseLayer(name, outIndex, chunks.map((c) => c.length), template, inputs, { kind: opName, simplify: simplifyElementwise });
  return ArrayClass.fromLayer(layer, aligned, chunks, expr.dtype);
}

function leaves(ops: Operand[]): { exprs: Expr[]; arrays: DaskArray[] } {
  const arrays: DaskArray[] = [];
  const exprs = ops.map((o): Expr => {
    if (isArray(o)) {
      const k = arrays.indexOf(o);
      if (k >= 0) return { in: k, dtype: o.dtype };
      arrays.push(o);
      return { in: arrays.length - 1, dtype: o.dtype };
    }
    if (typeof o !== 'number' && typeof o !== 'bigint' && typeof o !== 'boolean') {
      throw new DTypeError('elementwise', typeof o, 'an operand must be an Array, a number, a bigint or a boolean.');
    }
    return { c: o, dtype: 'float64' };
  });
  return { exprs, arrays };
}

/** The promoted dtype of operands (NumPy rules, scalars after NEP 50). */
export function resultType(ops: Operand[]): DType {
  const arrs = ops.filter(isArray);
  let t: DType | undefined;
  for (const a of arrs) t = t === undefined ? a.dtype : promoteTypes(t, a.dtype);
  for (const o of ops) {
    if (isArray(o)) continue;
    t = t === undefined ? (typeof o === 'boolean' ? 'bool' : typeof o === 'bigint' ? 'int64' : Number.isInteger(o) ? 'int64' : 'float64') : promoteWithScalar(t, o as Scalar);
  }
  return t as DType;
}

function withConstDTypes(exprs: Expr[], opd: DType): Expr[] {
  return exprs.map((e) => ('c' in e ? { c: e.c, dtype: opd } : e));
}

const ARITH = new Set(['add', 'sub', 'mul', 'mod', 'pow', 'maximum', 'minimum']);
const COMPARE = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** A binary element-wise operation. */
export function binary(fn: string, a: Operand, b: Operand): DaskArray {
  if (!isArray(a) && !isArray(b)) throw new DTypeError(fn, typeof a, 'at least one operand must be an Array.');
  const { exprs, arrays } = leaves([a, b]);
  const t = resultType([a, b]);
  let opd = t;
  let R = t;
  if (fn === 'div') opd = R = kindOf(t) === 'f' ? t : 'float64';
  else if (COMPARE.has(fn)) R = 'bool';
  else if (fn === 'and' || fn === 'or') {
    if (kindOf(t) === 'f') throw new DTypeError(fn, t, 'logical/bitwise and/or need bool or integer operands.');
  } else if (!ARITH.has(fn)) throw new DTypeError(fn, t, 'unknown operation.');
  if (fn === 'sub' && t === 'bool') throw new DTypeError(fn, t, 'subtracting booleans is not supported; use not() or astype.');
  return elementwiseArray(fn, { fn, args: withConstDTypes(exprs, opd), dtype: R, opd }, arrays);
}

const FLOAT_FNS = new Set(['sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'tanh']);

/** A unary element-wise operation. */
export function unary(fn: string, a: DaskArray): DaskArray {
  const d = a.dtype;
  let R = d;
  let opd = d;
  if (FLOAT_FNS.has(fn)) R = opd = floatOf(d);
  else if (fn === 'isnan') R = 'bool';
  else if (fn === 'neg' && d === 'bool') throw new DTypeError(fn, d, 'negating booleans is not supported; use not().');
  else if (fn === 'not' && kindOf(d) === 'f') throw new DTypeError(fn, d, 'not() needs a bool or integer array.');
  else if ((fn === 'floor' || fn === 'ceil' || fn === 'round') && d === 'bool') R = opd = 'float32';
  return elementwiseArray(fn, { fn, args: [{ in: 0, dtype: d }], dtype: R, opd }, [a]);
}

/** The array cast to another dtype. */
export function astype(a: DaskArray, dtype: DType): DaskArray {
  if (a.dtype === dtype) return a;
  return elementwiseArray('astype', { fn: 'cast', args: [{ in: 0, dtype: a.dtype }], dtype, opd: dtype }, [a]);
}

/** Limits values to [min, max] (NaN stays NaN). */
export function clip(a: DaskArray, min: Operand | null, max: Operand | null): DaskArray {
  let out = a;
  if (min !== null) out = binary('maximum', out, min);
  if (max !== null) out = binary('minimum', out, max);
  return out;
}

/** `x` where `cond` is true, else `y`. */
export function where(cond: Operand, x: Operand, y: Operand): DaskArray {
  if (!isArray(cond) && !isArray(x) && !isArray(y)) throw new DTypeError('where', typeof cond, 'at least one operand must be an Array.');
  const { exprs, arrays } = leaves([cond, x, y]);
  const R = resultType([x, y]);
  const [c, ex, ey] = exprs as [Expr, Expr, Expr];
  const cc: Expr = 'c' in c ? { c: c.c, dtype: 'bool' } : c;
  return elementwiseArray('where', { fn: 'where', args: [cc, ...withConstDTypes([ex, ey], R)], dtype: R, opd: R }, arrays);
}

/**
 * The `simplify` of a reduction's partial step: a sum (min, any, ...) of a fused element-wise
 * expression becomes one `reduceExpr` kernel that never materializes the expression.
 */
export function simplifyReduce(t: Task): Task {
  const RS = K('reduceSimple');
  const RE = K('reduceExpr');
  if (t.op === RS) {
    const [kind, inner, axes] = t.args as [Arg, Arg, Arg];
    if (typeof inner !== 'object' || inner === null || (inner as Task).op !== EW) return t;
    const flat = simplifyElementwise(inner as Task);
    return task(RE, kind, flat.args[0] as Arg, axes, ...flat.args.slice(1));
  }
  if (t.op === RE) {
    const [kind, prog, axes, ...args] = t.args as Arg[];
    const flat = simplifyElementwise(task(EW, prog as Arg, ...args));
    return task(RE, kind as Arg, flat.args[0] as Arg, axes as Arg, ...flat.args.slice(1));
  }
  return t;
}
