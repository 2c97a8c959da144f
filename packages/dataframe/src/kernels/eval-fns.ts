/** Expression functions beyond arithmetic and comparison: strings, dates, cast, isIn, fillNull, when. */
import { allocI32, allocU8, allocValues, type ColumnData, type DType, type Partition } from './columns.js';
import { buildColumn, civilFromDays, dedupeDict, rawAt } from './build.js';
import { parseDateMs } from './parse-date.js';
import type { ExprNode } from './expr-node.js';
import { floatFromText, floatRepr, intFromText } from './numeric-text.js';
import { int64RangeError } from '../int64.js';
import { ExprTypeError } from '../errors.js';
import { broadcast, type V } from './eval-value.js';

const DAY = 86_400_000;

/** lower / upper / strip (utf8 out) and len (int32 out), computed once per dictionary entry. */
export function strMap(fn: string, a: V, n: number): ColumnData {
  const dict = a.c.dict as string[];
  const A = a.c.values;
  if (fn === 'len') {
    const lens = dict.map((s) => [...s].length);
    const out = allocValues('int32', n);
    for (let i = 0; i < n; i++) out[i] = lens[A[i * a.s] as number] as number;
    return { type: 'int32', values: out, valid: sliceValid(a, n) };
  }
  const f = fn === 'lower' ? (s: string) => s.toLowerCase() : fn === 'upper' ? (s: string) => s.toUpperCase() : (s: string) => s.trim();
  const out = allocValues('utf8', n);
  for (let i = 0; i < n; i++) out[i] = A[i * a.s] as number;
  return dedupeDict({ type: 'utf8', values: out, valid: sliceValid(a, n), dict: dict.map(f) }, n);
}

/** contains / startsWith / endsWith with a fixed pattern, once per dictionary entry. */
export function strPred(fn: string, a: V, pat: string, n: number): ColumnData {
  const dict = a.c.dict as string[];
  const hit = new Uint8Array(dict.length);
  for (let j = 0; j < dict.length; j++) {
    const s = dict[j] as string;
    hit[j] = (fn === 'contains' ? s.includes(pat) : fn === 'startsWith' ? s.startsWith(pat) : s.endsWith(pat)) ? 1 : 0;
  }
  const out = allocU8(n);
  const A = a.c.values;
  for (let i = 0; i < n; i++) out[i] = hit[A[i * a.s] as number] as number;
  return { type: 'bool', values: out, valid: sliceValid(a, n) };
}

function sliceValid(a: V, n: number): Uint8Array | undefined {
  const v = a.c.valid;
  if (v === undefined) return undefined;
  if (a.s === 1) return v;
  return allocU8(n).fill(v[0] as number);
}

/** year / month / day / hour / minute / weekday (Monday = 0, as in pandas) of a date or timestamp. */
export function datePart(fn: string, a: V, n: number): ColumnData {
  const A = a.c.values;
  const isDate = a.c.type === 'date';
  const out = allocValues('int32', n);
  let lastDay = NaN;
  let ymd: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const raw = A[i * a.s] as number;
    const days = isDate ? raw : Math.floor(raw / DAY);
    if (fn === 'hour' || fn === 'minute') {
      const msOfDay = isDate ? 0 : raw - days * DAY;
      out[i] = fn === 'hour' ? Math.floor(msOfDay / 3_600_000) : Math.floor(msOfDay / 60_000) % 60;
      continue;
    }
    if (fn === 'weekday') {
      out[i] = (((days + 3) % 7) + 7) % 7;
      continue;
    }
    if (days !== lastDay) {
      ymd = civilFromDays(days);
      lastDay = days;
    }
    out[i] = fn === 'year' ? ymd[0] : fn === 'month' ? ymd[1] : ymd[2];
  }
  return { type: 'int32', values: out, valid: sliceValid(a, n) };
}

/** Values of `a`, and `b` where `a` is null. */
export function fillNull(a: V, b: V, n: number, type: DType): ColumnData {
  const ca = castValue(a, type, n);
  const cb = castValue(b, type, n);
  if (ca.valid === undefined) return ca;
  const va = ca.valid;
  return buildColumn(type, n, (i) => (va[i] === 1 ? rawAt(ca, i) : rawAt(cb, b.s === 0 && n > 1 ? 0 : i)));
}

/**
 * True where the value is one of `values`. A missing value (null, or NaN in a float column)
 * matches when `values` holds NaN or null, as pandas' isin; otherwise a null stays null.
 * Strings in `values` are dates for a date or timestamp column (checked when the expression
 * was built).
 */
export function isIn(a: V, values: (number | string | boolean | null)[], n: number): ColumnData {
  const out = allocU8(n);
  const A = a.c.values;
  const t = a.c.type;
  const missing = values.some((v) => v === null || (typeof v === 'number' && Number.isNaN(v)));
  if (t === 'date' || t === 'timestamp') {
    values = values
      .map((v) => {
        if (typeof v !== 'string') return v;
        const ms = parseDateMs(v);
        return t === 'timestamp' ? ms : ms % DAY === 0 ? ms / DAY : NaN;
      })
      .filter((v) => !(typeof v === 'number' && Number.isNaN(v)));
  }
  if (t === 'utf8') {
    const set = new Set(values.filter((v) => typeof v === 'string'));
    const dict = a.c.dict as string[];
    const hit = new Uint8Array(dict.length);
    for (let j = 0; j < dict.length; j++) hit[j] = set.has(dict[j] as string) ? 1 : 0;
    for (let i = 0; i < n; i++) out[i] = hit[A[i * a.s] as number] as number;
  } else {
    const set = new Set(values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    if (missing) set.add(NaN);
    for (let i = 0; i < n; i++) out[i] = set.has(A[i * a.s] as number) ? 1 : 0;
  }
  const valid = sliceValid(a, n);
  if (!missing) return { type: 'bool', values: out, valid };
  if (valid !== undefined) for (let i = 0; i < n; i++) if (valid[i] === 0) out[i] = 1;
  return { type: 'bool', values: out };
}

function toNumber(raw: number | string, from: DType, to: DType): number | null {
  if (typeof raw === 'string') {
    if (to === 'date' || to === 'timestamp') {
      const ms = parseDateMs(raw);
      if (Number.isNaN(ms)) return null;
      return to === 'date' ? Math.floor(ms / DAY) : ms;
    }
    const t = raw.trim().toLowerCase();
    if (to === 'bool') return t === 'true' || t === '1' ? 1 : t === 'false' || t === '0' ? 0 : null;
    if (to === 'int32' || to === 'int64') {
      // Decimal integers only: '1.5', '1e3', '0x10' and '0b11' have no integer value here (null).
      const x = intFromText(t);
      if (Number.isNaN(x)) return null;
      if (to === 'int64' && !Number.isSafeInteger(x)) throw int64RangeError(`cast of ${JSON.stringify(raw)} to int64`, x);
      return toInteger(x, to);
    }
    const x = floatFromText(t);
    return x === undefined || Number.isNaN(x) ? null : x;
  }
  if (from === 'date' && to === 'timestamp') return raw * DAY;
  if (from === 'timestamp' && to === 'date') return Math.floor(raw / DAY);
  if (to === 'bool') return raw !== 0 ? 1 : 0;
  if (to === 'int32' || to === 'int64') return toInteger(raw, to);
  return raw;
}

/**
 * A number cast to an integer type: truncated toward zero; null where it has no value of that
 * type (NaN, infinities, outside int32 for int32), as Polars' non-strict cast, never wrapped.
 */
function toInteger(x: number, to: 'int32' | 'int64'): number | null {
  if (!Number.isFinite(x)) return null;
  const t = Math.trunc(x);
  return to === 'int32' && (t < -2147483648 || t > 2147483647) ? null : t;
}

function toText(raw: number | string, from: DType): string {
  if (typeof raw === 'string') return raw;
  if (from === 'bool') return raw === 1 ? 'true' : 'false';
  if (from === 'date') return new Date(raw * DAY).toISOString().slice(0, 10);
  if (from === 'timestamp') return new Date(raw).toISOString().replace('T', ' ').replace('Z', '');
  // Floats as pandas' astype(str) (Python's repr): 1.0, 1e-05, 1e+16, inf, nan.
  if (from === 'float64') return floatRepr(raw);
  return String(raw);
}

/**
 * Converts a value to dtype `to`. Unparseable strings give null, and so does a number that has
 * no value of the integer type asked (see toInteger), as Polars' cast with strict=False.
 */
export function castValue(a: V, to: DType, n: number): ColumnData {
  const from = a.c.type;
  if (from === to) return broadcast(a, n);
  if (from === 'utf8' && to !== 'utf8') {
    const dict = a.c.dict as string[];
    const conv = dict.map((s) => toNumber(s, from, to));
    return buildColumn(to, n, (i) => {
      const r = rawAt(a.c, i * a.s);
      return r === null ? null : conv[a.c.values[i * a.s] as number];
    });
  }
  if (to === 'utf8')
    return buildColumn(to, n, (i) => {
      const r = rawAt(a.c, i * a.s);
      return r === null ? null : toText(r, from);
    });
  const num = (from === 'float64' || from === 'int64' || from === 'int32' || from === 'bool') && (to === 'float64' || to === 'int64');
  if (num && a.s === 1 && !(from === 'float64' && to === 'int64')) {
    const out = allocValues(to, n);
    out.set(a.c.values.subarray(0, n) as never);
    return { type: to, values: out, valid: a.c.valid };
  }
  return buildColumn(to, n, (i) => {
    const r = rawAt(a.c, i * a.s);
    return r === null ? null : toNumber(r, from, to);
  });
}

/** when(c1).then(v1).when(c2).then(v2).otherwise(v): the first true condition picks the value (`evalNode` evaluates the parts: passed in, so this file does not import eval.ts back). */
export function whenThen(node: Extract<ExprNode, { e: 'when' }>, p: Partition, type: DType, evalNode: (node: ExprNode, p: Partition) => V): ColumnData {
  const n = p.length;
  const conds = node.cases.map(([c]) => broadcast(evalNode(c, p), n));
  const branches = [...node.cases.map(([, v]) => v), node.otherwise].map((v) => {
    const ev = evalNode(v, p);
    if (v.e === 'lit' && v.value === null) return broadcast(ev, n);
    return castValue(ev, type, n);
  });
  for (const c of conds) if (c.type !== 'bool') throw new ExprTypeError('when', [c.type], 'A when() condition must be bool.');
  const pick = allocI32(n).fill(conds.length);
  for (let k = conds.length - 1; k >= 0; k--) {
    const c = conds[k] as ColumnData;
    for (let i = 0; i < n; i++) if (c.values[i] === 1 && (c.valid === undefined || c.valid[i] === 1)) pick[i] = k;
  }
  return buildColumn(type, n, (i) => rawAt(branches[pick[i] as number] as ColumnData, i));
}
