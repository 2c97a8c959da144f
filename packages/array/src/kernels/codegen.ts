/**
 * Code generation shared by element-wise kernels: how a value of one dtype is converted to
 * another inside generated JavaScript (numbers for every dtype but int64, BigInt for int64),
 * with NumPy's wrap-around for integers and 0/1 for bool.
 */
import type { DType } from '../dtype.js';
import { InputError } from '../errors.js';

const NEGATIVE_POWER = 'integers to negative integer powers are not allowed (as in NumPy); cast to float first, for example x.astype(\'float64\').pow(y).';

/** A JS expression that converts `e` (of dtype `from`) to dtype `to`. */
export function convert(e: string, from: DType, to: DType): string {
  if (from === to) return e;
  if (to === 'int64') {
    if (from === 'float64' || from === 'float32') return `H.f2big(${e})`;
    return `BigInt(${e})`;
  }
  const num = from === 'int64' ? `Number(${e})` : e;
  return wrap(num, to, from === 'float64' || from === 'float32' || from === 'int64');
}

/** `e` (a JS number) cast to `to` in place: integers wrap, bool becomes 0/1. */
export function wrap(e: string, to: DType, fromFloat = true): string {
  switch (to) {
    case 'float64': return e;
    case 'float32': return `Math.fround(${e})`;
    case 'int32': return `((${e}) | 0)`;
    case 'uint32': return `((${e}) >>> 0)`;
    case 'int16': return `(((${e}) << 16) >> 16)`;
    case 'uint16': return `((${e}) & 65535)`;
    case 'int8': return `(((${e}) << 24) >> 24)`;
    case 'uint8': return `((${e}) & 255)`;
    case 'bool': return fromFloat ? `((${e}) !== 0 ? 1 : 0)` : `((${e}) ? 1 : 0)`;
    case 'int64': return `H.f2big(${e})`;
  }
}

/** A literal of dtype `d` for a scalar. */
export function literal(x: number | bigint | boolean, d: DType): string {
  if (d === "int64") return `(${BigInt(typeof x === "number" ? Math.trunc(x) : x)}n)`;
  const v = typeof x === 'boolean' ? (x ? 1 : 0) : Number(x);
  if (d === 'bool') return v !== 0 ? '1' : '0';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return `(${Object.is(v, -0) ? '-0' : String(v)})`;
}

/** Helpers generated code may call as `H.name(...)`. */
export const H = {
  f2big(x: number): bigint {
    if (x !== x || x === Infinity || x === -Infinity) return -(2n ** 63n);
    return BigInt.asIntN(64, BigInt(Math.trunc(x)));
  },
  fmod(a: number, b: number): number {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  imod(a: number, b: number): number {
    if (b === 0) return 0;
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  bmod(a: bigint, b: bigint): bigint {
    if (b === 0n) return 0n;
    const r = a % b;
    return r !== 0n && r < 0n !== b < 0n ? r + b : r;
  },
  bpow(a: bigint, b: bigint): bigint {
    if (b < 0n) throw new InputError('pow', NEGATIVE_POWER);
    return BigInt.asIntN(64, a ** b);
  },
  ipow(a: number, b: number): number {
    if (b < 0) throw new InputError('pow', NEGATIVE_POWER);
    return Math.pow(a, b);
  },
  round(x: number): number {
    if (x !== x || x === Infinity || x === -Infinity) return x;
    const f = Math.floor(x);
    const d = x - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f === 0 && x < 0 ? -0 : f;
    return f % 2 === 0 ? f : f + 1;
  },
  max(a: number, b: number): number {
    return a !== a ? a : b !== b ? b : a >= b ? a : b;
  },
  min(a: number, b: number): number {
    return a !== a ? a : b !== b ? b : a <= b ? a : b;
  },
};
