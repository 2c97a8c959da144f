/**
 * The expression evaluator: a column at a time, plain loops over typed arrays. A literal is
 * evaluated to a one-row column with stride 0, so `col > lit` reads the literal without
 * broadcasting it. Nulls propagate (a result is null where an input is); and/or follow
 * Kleene logic, as in pandas' nullable booleans and Polars.
 */
import { allocF64, allocU8, allocValues, isNumeric, schemaOf, type ColumnData, type DType, type Partition } from './columns.js';
import { constantColumn } from './build.js';
import { parseDateMs } from './parse-date.js';
import { roundTo } from './numeric-text.js';
import { ARITH, COMPARE, DATE_PART, STR_PRED, type ExprNode } from './expr-node.js';
import { commonType, litType, typeOf } from './expr-types.js';
import { castValue, datePart, fillNull, isIn, strMap, strPred, whenThen } from './eval-fns.js';
import { broadcast, type V } from './eval-value.js';
import { DataFrameError, ExprTypeError } from '../errors.js';
import { columnOf } from './column-lookup.js';
import { INT64_EXACT, int64RangeError } from '../int64.js';

/** Evaluates `node` over a partition to a full-length column. */
export function evaluateColumn(node: ExprNode, p: Partition): ColumnData {
  return broadcast(evalNode(node, p), p.length);
}

/** Evaluates `node`; literals stay one row long. */
export function evalNode(node: ExprNode, p: Partition): V {
  switch (node.e) {
    case 'col': {
      return { c: columnOf(p, node.name), s: 1 };
    }
    case 'lit': {
      const t = litType(node.value, node.type);
      const c = constantColumn(t, 1, node.value);
      return { c, s: 0 };
    }
    case 'alias':
      return evalNode(node.arg, p);
    case 'when':
      return { c: whenThen(node, p, typeOf(node, schemaOf(p)), evalNode), s: 1 };
    case 'call':
      return evalCall(node, p);
  }
}

function evalCall(node: Extract<ExprNode, { e: 'call' }>, p: Partition): V {
  const fn = node.fn;
  const args = node.args.map((a) => evalNode(a, p));
  const n = args.every((a) => a.s === 0) ? 1 : p.length;
  const s: 0 | 1 = n === 1 && p.length !== 1 ? 0 : 1;
  const a = args[0] as V;
  const b = args[1] as V;
  if (ARITH.has(fn)) return { c: arith(fn, a, b, n, typeOf(node, schemaOf(p))), s };
  if (COMPARE.has(fn)) return { c: compare(fn, a, b, n), s };
  switch (fn) {
    case 'and':
    case 'or':
      return { c: logic(fn, a, b, n), s };
    case 'not': {
      const out = allocU8(n);
      const A = a.c.values;
      for (let i = 0; i < n; i++) out[i] = 1 - (A[i * a.s] as number);
      return { c: { type: 'bool', values: out, valid: validOf([a], n) }, s };
    }
    case 'neg':
    case 'abs': {
      const out = allocValues(a.c.type, n);
      const A = a.c.values;
      const valid = validOf([a], n);
      for (let i = 0; i < n; i++) {
        const x = A[i * a.s] as number;
        out[i] = fn === 'neg' ? -x : Math.abs(x);
      }
      // -(-2^31) has no int32: an Int32Array would wrap it back to -2^31.
      if (a.c.type === 'int32') checkInt32(fn, out, valid, (i) => (fn === 'neg' ? -(A[i * a.s] as number) : Math.abs(A[i * a.s] as number)));
      return { c: { type: a.c.type, values: out, valid }, s };
    }
    case 'round': {
      // Ties to even, as NumPy, pandas and Polars; integers change only with negative decimals.
      const d = typeof node.opt === 'number' ? node.opt : 0;
      const out = allocValues(a.c.type, n);
      const A = a.c.values;
      const isInt = a.c.type !== 'float64';
      const valid = validOf([a], n);
      for (let i = 0; i < n; i++) {
        const x = A[i * a.s] as number;
        out[i] = isInt && d >= 0 ? x : roundTo(x, d);
      }
      if (a.c.type === 'int32' && d < 0) checkInt32(fn, out, valid, (i) => roundTo(A[i * a.s] as number, d));
      if (a.c.type === 'int64' && d < 0) {
        for (let i = 0; i < n; i++) {
          const x = out[i] as number;
          if ((x > INT64_EXACT || x < -INT64_EXACT) && (valid === undefined || valid[i] === 1)) throw int64RangeError(`'round' of int64 values (row ${i})`, x);
        }
      }
      return { c: { type: a.c.type, values: out, valid }, s };
    }
    case 'isNull':
    case 'isNotNull': {
      const out = allocU8(n);
      const want = fn === 'isNull' ? 0 : 1;
      const va = a.c.valid;
      for (let i = 0; i < n; i++) out[i] = (va === undefined ? 1 : (va[i * a.s] as number)) === want ? 1 : 0;
      return { c: { type: 'bool', values: out }, s };
    }
    case 'between': {
      const lo = compare('ge', a, b, n);
      const hi = compare('le', a, args[2] as V, n);
      return { c: logic('and', { c: lo, s: 1 }, { c: hi, s: 1 }, n), s };
    }
    case 'fillNull':
      return { c: fillNull(a, b, n, typeOf(node, schemaOf(p))), s };
    case 'isIn':
      return { c: isIn(a, node.opt as (number | string | boolean | null)[], n), s };
    case 'lower':
    case 'upper':
    case 'strip':
      return { c: strMap(fn, a, n), s };
    case 'len':
      return { c: strMap(fn, a, n), s };
    case 'cast':
      return { c: castValue(a, node.opt as DType, n), s };
  }
  if (STR_PRED.has(fn)) return { c: strPred(fn, a, String(node.opt), n), s };
  if (DATE_PART.has(fn)) return { c: datePart(fn, a, n), s };
  throw new ExprTypeError(
    fn,
    args.map((x) => x.c.type),
    `Unknown function '${fn}'.`,
  );
}

/**
 * Checks an int32 result against the exact values (`exact(i)`): a value outside int32 was
 * wrapped by the Int32Array, so it is an error (cast to int64 first), never a wrong number.
 */
function checkInt32(fn: string, out: ArrayLike<number>, valid: Uint8Array | undefined, exact: (i: number) => number): void {
  for (let i = 0; i < out.length; i++) {
    if (out[i] === exact(i) || (valid !== undefined && valid[i] === 0)) continue;
    throw new DataFrameError(
      `'${fn}' of int32 values (row ${i}) gives ${exact(i)}, outside int32 (a wrapped number would be a wrong answer). Cast to int64 first.`,
    );
  }
}

/** The validity of a result from its inputs: undefined when no input has nulls. */
export function validOf(args: V[], n: number): Uint8Array | undefined {
  const withNulls = args.filter((a) => a.c.valid !== undefined);
  if (withNulls.length === 0) return undefined;
  const out = allocU8(n);
  out.fill(1);
  for (const a of withNulls) {
    const v = a.c.valid as Uint8Array;
    for (let i = 0; i < n; i++) out[i] &= v[i * a.s] as number;
  }
  return out;
}

function arith(fn: string, a: V, b: V, n: number, type: DType): ColumnData {
  const out = allocValues(type, n);
  const A = a.c.values;
  const B = b.c.values;
  const sa = a.s;
  const sb = b.s;
  switch (fn) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) + (B[i * sb] as number);
      break;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) - (B[i * sb] as number);
      break;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) * (B[i * sb] as number);
      break;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) / (B[i * sb] as number);
      break;
    case 'mod':
      for (let i = 0; i < n; i++) {
        const y = B[i * sb] as number;
        const r = (A[i * sa] as number) % y;
        out[i] = r !== 0 && r < 0 !== y < 0 ? r + y : r;
      }
      break;
    case 'pow':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) ** (B[i * sb] as number);
      break;
  }
  let valid = validOf([a, b], n);
  if (type === 'int32' && (fn === 'add' || fn === 'sub')) {
    checkInt32(fn, out, valid, (i) => (fn === 'add' ? (A[i * sa] as number) + (B[i * sb] as number) : (A[i * sa] as number) - (B[i * sb] as number)));
  }
  if (type === 'int64') {
    // int64 results are exact within 2^53 only (see int64.ts): past that, an error, never a
    // rounded number.
    for (let i = 0; i < n; i++) {
      const x = out[i] as number;
      if ((x > INT64_EXACT || x < -INT64_EXACT) && (valid === undefined || valid[i] === 1)) throw int64RangeError(`'${fn}' of int64 values (row ${i})`, x);
    }
  }
  if (type !== 'float64' && (fn === 'mod' || fn === 'div')) {
    // Integer division by zero has no integer answer: null, as in pandas' nullable integers.
    for (let i = 0; i < n; i++) {
      if ((B[i * sb] as number) === 0) {
        if (valid === undefined) valid = allocU8(n).fill(1);
        valid[i] = 0;
      }
    }
  }
  return { type, values: out, valid };
}

/** Numbers to compare, in one unit (times in ms when date meets timestamp, strings parsed). */
function numeric(v: V, other: DType): Float64Array | Int32Array | Uint8Array {
  const t = v.c.type;
  if (t === 'utf8' && (other === 'date' || other === 'timestamp')) {
    const dict = v.c.dict as string[];
    const out = allocF64(v.c.values.length);
    for (let i = 0; i < out.length; i++) {
      const ms = parseDateMs(dict[v.c.values[i] as number] as string);
      out[i] = other === 'date' ? ms / 86_400_000 : ms;
    }
    return out;
  }
  if (t === 'date' && other === 'timestamp') {
    const out = allocF64(v.c.values.length);
    for (let i = 0; i < out.length; i++) out[i] = (v.c.values[i] as number) * 86_400_000;
    return out;
  }
  return v.c.values;
}

function compare(fn: string, a: V, b: V, n: number): ColumnData {
  const ta = a.c.type;
  const tb = b.c.type;
  const out = allocU8(n);
  const valid0 = validOf([a, b], n);
  if (ta === 'utf8' && tb === 'utf8') {
    const da = a.c.dict as string[];
    const db = b.c.dict as string[];
    const A = a.c.values;
    const B = b.c.values;
    if (b.s === 0 && db.length === 1) {
      // Compare each dictionary entry once, then map codes.
      const rhs = db[0] as string;
      const hit = new Uint8Array(da.length);
      for (let j = 0; j < da.length; j++) hit[j] = cmp(fn, da[j] as string, rhs) ? 1 : 0;
      for (let i = 0; i < n; i++) out[i] = hit[A[i * a.s] as number] as number;
    } else {
      for (let i = 0; i < n; i++) out[i] = cmp(fn, da[A[i * a.s] as number] as string, db[B[i * b.s] as number] as string) ? 1 : 0;
    }
    return { type: 'bool', values: out, valid: valid0 };
  }
  const ok = commonType(ta, tb) !== undefined || ta === 'utf8' || tb === 'utf8';
  if (!ok || (isNumeric(ta) !== isNumeric(tb) && !(ta === 'utf8' || tb === 'utf8'))) throw new ExprTypeError(fn, [ta, tb]);
  const A = numeric(a, tb);
  const B = numeric(b, ta);
  const sa = a.s;
  const sb = b.s;
  // Text that is not a date, compared with a date: null, as pandas' to_datetime(errors='coerce').
  const parsed = ta === 'utf8' ? A : tb === 'utf8' ? B : undefined;
  const valid = parsed === undefined ? valid0 : textDateValid(parsed, ta === 'utf8' ? sa : sb, n, valid0);
  switch (fn) {
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) === (B[i * sb] as number) ? 1 : 0;
      break;
    case 'ne':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) !== (B[i * sb] as number) ? 1 : 0;
      break;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) < (B[i * sb] as number) ? 1 : 0;
      break;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) <= (B[i * sb] as number) ? 1 : 0;
      break;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) > (B[i * sb] as number) ? 1 : 0;
      break;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = (A[i * sa] as number) >= (B[i * sb] as number) ? 1 : 0;
      break;
  }
  return { type: 'bool', values: out, valid };
}

/** `valid` with rows cleared where the parsed date (read with stride s) is NaN. */
function textDateValid(parsed: ArrayLike<number>, s: 0 | 1, n: number, valid: Uint8Array | undefined): Uint8Array | undefined {
  let out = valid;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(parsed[i * s] as number)) continue;
    if (out === undefined) out = allocU8(n).fill(1);
    out[i] = 0;
  }
  return out;
}

function cmp(fn: string, x: string, y: string): boolean {
  switch (fn) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
    case 'gt':
      return x > y;
    default:
      return x >= y;
  }
}

function logic(fn: string, a: V, b: V, n: number): ColumnData {
  const out = allocU8(n);
  const A = a.c.values;
  const B = b.c.values;
  const va = a.c.valid;
  const vb = b.c.valid;
  if (va === undefined && vb === undefined) {
    if (fn === 'and') for (let i = 0; i < n; i++) out[i] = (A[i * a.s] as number) & (B[i * b.s] as number);
    else for (let i = 0; i < n; i++) out[i] = (A[i * a.s] as number) | (B[i * b.s] as number);
    return { type: 'bool', values: out };
  }
  const valid = allocU8(n);
  for (let i = 0; i < n; i++) {
    const ka = va === undefined || va[i * a.s] === 1;
    const kb = vb === undefined || vb[i * b.s] === 1;
    const x = A[i * a.s] === 1;
    const y = B[i * b.s] === 1;
    if (fn === 'and') {
      if ((ka && !x) || (kb && !y)) valid[i] = 1;
      else if (ka && kb) {
        valid[i] = 1;
        out[i] = 1;
      }
    } else if ((ka && x) || (kb && y)) {
      valid[i] = 1;
      out[i] = 1;
    } else if (ka && kb) valid[i] = 1;
  }
  return { type: 'bool', values: out, valid };
}
