/**
 * Element-wise operations with NumPy broadcasting and dtype promotion. Each operation is one
 * core-graph BlockwiseLayer whose template calls the `elementwise` kernel with an expression;
 * `simplifyElementwise` merges nested element-wise kernels after fuse-blockwise, so a chain of
 * operations becomes one kernel, one loop and one pass over memory per block.
 */
import { BlockwiseLayer, isRef, quote, task, tokenize, type Arg, type Task } from '@tsdask/core-graph';
import type { DaskArray, Operand } from './array.js';
import { DTYPES, floatOf, intRange, intScalarPlace, isDType, isIntScalar, kindOf, promoteTypes, promoteWithScalar, type DType, type Scalar } from './dtype.js';
import { BroadcastError, DTypeError, InputError, OverflowError } from './errors.js';
import { broadcastShapes, type Expr, type Program } from './kernels/elementwise.js';
import { K } from './layer.js';
import { arrayFromLayer, isDaskArray } from './factory.js';
import { rechunk } from './rechunk.js';
import { broadcastChunkShapes, isUnknownAxis } from './chunks.js';

const EW = K('elementwise');
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

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
  const shape = unknown
    ? broadcastChunkShapes(
        opName,
        arrays.map((a) => a.chunks),
      )
    : broadcastShapes(shapes);
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
    const same = want.every(
      (w, ad) => w.length === (a.chunks[ad] as number[]).length && w.every((v, i) => v === (a.chunks[ad] as number[])[i] || Number.isNaN(v)),
    );
    return same ? a : rechunk(a, want);
  });
  const outIndex = LETTERS.slice(0, nd);
  const name = `${opName}-${tokenize(
    opName,
    expr,
    aligned.map((a) => a.name),
  )}`;
  const inputs = aligned.map((a) => ({ name: a.name, index: outIndex.slice(nd - a.ndim), numblocks: a.numblocks }));
  const template = task(EW, quote({ expr } satisfies Program), ...aligned.map((_, i) => BlockwiseLayer.arg(i)));
  const layer = new BlockwiseLayer(
    name,
    outIndex,
    chunks.map((c) => c.length),
    template,
    inputs,
    { kind: opName, simplify: simplifyElementwise },
  );
  return arrayFromLayer(layer, aligned, chunks, expr.dtype);
}

function leaves(ops: Operand[]): { exprs: Expr[]; arrays: DaskArray[] } {
  const arrays: DaskArray[] = [];
  const exprs = ops.map((o): Expr => {
    if (isDaskArray(o)) {
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
  const arrs = ops.filter(isDaskArray);
  let t: DType | undefined;
  for (const a of arrs) t = t === undefined ? a.dtype : promoteTypes(t, a.dtype);
  for (const o of ops) {
    if (isDaskArray(o)) continue;
    t = t === undefined ? (typeof o === 'boolean' ? 'bool' : isIntScalar(o) ? 'int64' : 'float64') : promoteWithScalar(t, o as Scalar);
  }
  return t as DType;
}

function withConstDTypes(exprs: Expr[], opd: DType): Expr[] {
  return exprs.map((e) => ('c' in e ? { c: e.c, dtype: opd } : e));
}

const ARITH = new Set(['add', 'sub', 'mul', 'floordiv', 'mod', 'pow', 'maximum', 'minimum']);
const COMPARE = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * NEP 50: a Python-int-like scalar (a bigint, or an integer-valued number) takes the dtype `t`
 * of the operation; one outside an integer dtype's range is an OverflowError, as in NumPy 2.
 */
function checkScalarFits(op: string, o: Operand, t: DType): void {
  if (isDaskArray(o) || !isIntScalar(o)) return;
  const r = intRange(t);
  if (r !== undefined && intScalarPlace(o, t) !== 0) throw new OverflowError(op, o, t, r);
}

const SWAP: Record<string, string> = { lt: 'gt', gt: 'lt', le: 'ge', ge: 'le', eq: 'eq', ne: 'ne' };

/**
 * NumPy 2 compares integer arrays with out-of-range Python ints exactly: `uint8 < 300` is true
 * everywhere. The answer is then a constant (the array is read only for its shape).
 */
function outOfRangeCompare(fn: string, a: Operand, b: Operand, t: DType): DaskArray | undefined {
  const [arr, sc, swapped] = isDaskArray(a) ? [a, b, false] : [b as DaskArray, a, true];
  if (isDaskArray(sc) || !isIntScalar(sc)) return undefined;
  const place = intScalarPlace(sc, t);
  if (place === 0) return undefined;
  const f = swapped ? (SWAP[fn] as string) : fn; // now read as `arr f sc`
  const value = place > 0 ? f === 'lt' || f === 'le' || f === 'ne' : f === 'gt' || f === 'ge' || f === 'ne';
  return elementwiseArray(
    fn,
    {
      fn: 'const',
      args: [
        { in: 0, dtype: arr.dtype },
        { c: value, dtype: 'bool' },
      ],
      dtype: 'bool',
      opd: 'bool',
    },
    [arr],
  );
}

/** A binary element-wise operation. */
export function binary(fn: string, a: Operand, b: Operand): DaskArray {
  if (!isDaskArray(a) && !isDaskArray(b)) throw new DTypeError(fn, typeof a, 'at least one operand must be an Array.');
  const { exprs, arrays } = leaves([a, b]);
  const t = resultType([a, b]);
  if (COMPARE.has(fn)) {
    const c = outOfRangeCompare(fn, a, b, t);
    if (c !== undefined) return c;
  } else {
    checkScalarFits(fn, a, t);
    checkScalarFits(fn, b, t);
  }
  if (fn === 'pow' && kindOf(t) !== 'f' && isIntScalar(b) && b < 0) {
    throw new InputError(
      fn,
      `integers to negative integer powers are not allowed (exponent ${String(b)} on ${t}); cast to float64 first, for example x.astype('float64').pow(${String(b)}).`,
    );
  }
  let opd = t;
  let R = t;
  if (fn === 'div') opd = R = kindOf(t) === 'f' ? t : 'float64';
  else if ((fn === 'floordiv' || fn === 'mod') && t === 'bool')
    opd = R = 'int8'; // NumPy: bool // bool is int8
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

/**
 * Rounds half to even to `decimals` places, as NumPy: `rint(x * 10**d) / 10**d` in the array's
 * float type (so `round(2.675, 2)` is 2.68 as in NumPy, where Python's round says 2.67: 2.675 is
 * stored as 2.67499..., but times 100 it rounds to 267.5 in float64), and for d < 0
 * `rint(x / 10**-d) * 10**-d`; integers are unchanged for d >= 0 and rounded through float64
 * (then cast back) for d < 0.
 */
export function round(a: DaskArray, decimals = 0): DaskArray {
  if (!Number.isInteger(decimals)) throw new InputError('round', `decimals must be an integer, got ${String(decimals)}.`);
  if (decimals === 0) return unary('round', a);
  const d = a.dtype;
  if (d === 'bool')
    throw new DTypeError(
      'round',
      d,
      `rounding booleans to ${decimals} decimals is not supported; cast first, for example x.astype('float64').round(${decimals}).`,
    );
  if (kindOf(d) !== 'f' && decimals > 0) return a;
  const opd: DType = kindOf(d) === 'f' ? d : 'float64';
  return elementwiseArray(
    'round',
    {
      fn: 'round',
      args: [
        { in: 0, dtype: d },
        { c: decimals, dtype: opd },
      ],
      dtype: d,
      opd,
    },
    [a],
  );
}

/** The array cast to another dtype. */
export function astype(a: DaskArray, dtype: DType): DaskArray {
  if (!isDType(dtype)) throw new DTypeError('astype', dtype, `not a dtype; use one of ${DTYPES.join(', ')}.`);
  if (a.dtype === dtype) return a;
  return elementwiseArray('astype', { fn: 'cast', args: [{ in: 0, dtype: a.dtype }], dtype, opd: dtype }, [a]);
}

/** Limits values to [min, max] (NaN stays NaN). */
export function clip(a: DaskArray, min0: Operand | null, max0: Operand | null): DaskArray {
  // NumPy >= 2.1: a Python int bound outside an integer dtype's range is clamped to the range
  // (clip(uint8, -1, 300) changes nothing) instead of an OverflowError.
  const r = intRange(a.dtype);
  const bound = (b: Operand | null): Operand | null => {
    if (b === null || isDaskArray(b) || !isIntScalar(b) || r === undefined) return b;
    const place = intScalarPlace(b, a.dtype);
    if (place === 0) return b;
    const v = place < 0 ? r[0] : r[1];
    return a.dtype === 'int64' ? v : Number(v);
  };
  const min = bound(min0);
  const max = bound(max0);
  let out = a;
  if (min !== null) out = binary('maximum', out, min);
  if (max !== null) out = binary('minimum', out, max);
  return out;
}

/** `x` where `cond` is true, else `y`. */
export function where(cond: Operand, x: Operand, y: Operand): DaskArray {
  if (!isDaskArray(cond) && !isDaskArray(x) && !isDaskArray(y)) throw new DTypeError('where', typeof cond, 'at least one operand must be an Array.');
  const { exprs, arrays } = leaves([cond, x, y]);
  const R = resultType([x, y]);
  checkScalarFits('where', x, R);
  checkScalarFits('where', y, R);
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
