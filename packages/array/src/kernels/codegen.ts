/**
 * Code generation shared by element-wise kernels: how a value of one dtype is converted to
 * another inside generated JavaScript (numbers for every dtype but int64, BigInt for int64),
 * with NumPy's wrap-around for integers and 0/1 for bool.
 */
import type { DType } from '../dtype.js';
import { InputError } from '../errors.js';

function negativePower(b: number | bigint): InputError {
  return new InputError(
    'pow',
    `integers to negative integer powers are not allowed (an exponent is ${String(b)}); cast to float64 first, for example x.astype('float64').pow(y).`,
  );
}

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
    case 'float64':
      return e;
    case 'float32':
      return `Math.fround(${e})`;
    case 'int32':
      return `((${e}) | 0)`;
    case 'uint32':
      return `((${e}) >>> 0)`;
    case 'int16':
      return `(((${e}) << 16) >> 16)`;
    case 'uint16':
      return `((${e}) & 65535)`;
    case 'int8':
      return `(((${e}) << 24) >> 24)`;
    case 'uint8':
      return `((${e}) & 255)`;
    case 'bool':
      return fromFloat ? `((${e}) !== 0 ? 1 : 0)` : `((${e}) ? 1 : 0)`;
    case 'int64':
      return `H.f2big(${e})`;
  }
}

/** A literal of dtype `d` for a scalar. */
export function literal(x: number | bigint | boolean, d: DType): string {
  if (d === 'int64') return `(${BigInt(typeof x === 'number' ? Math.trunc(x) : x)}n)`;
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
  /** a ** b modulo 2^64 by squaring (a ** b itself would grow to b * log2(a) bits: a hang for large b). */
  bpow(a: bigint, b: bigint): bigint {
    if (b < 0n) throw negativePower(b);
    let r = 1n;
    let x = a;
    for (let e = b; e > 0n; e >>= 1n) {
      if (e & 1n) r = BigInt.asIntN(64, r * x);
      x = BigInt.asIntN(64, x * x);
    }
    return r;
  },
  /** a ** b for integers up to 32 bits, modulo 2^32 (squaring with imul), so the caller's wrap keeps NumPy's low bits. */
  ipow(a: number, b: number): number {
    if (b < 0) throw negativePower(b);
    let r = 1;
    let x = a | 0;
    let e = b;
    while (e > 0) {
      if (e & 1) r = Math.imul(r, x);
      x = Math.imul(x, x);
      e = Math.floor(e / 2);
    }
    return r;
  },
  /** NumPy's float floor_divide (npy_divmod): (a - fmod(a, b)) / b adjusted and rounded, so 1 // 0.1 is 9 as in NumPy. */
  ffloordiv(a: number, b: number): number {
    if (b === 0) return a / b;
    let mod = a % b;
    let div = (a - mod) / b;
    if (mod !== 0 && b < 0 !== mod < 0) {
      mod += b;
      div -= 1;
    }
    if (div === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
    let fl = Math.floor(div);
    if (div - fl > 0.5) fl += 1;
    return fl;
  },
  /** Integer floor division; division by zero gives 0, as NumPy (which warns). */
  ifloordiv(a: number, b: number): number {
    return b === 0 ? 0 : Math.floor(a / b);
  },
  /** int64 floor division; by zero gives 0; INT64_MIN // -1 wraps as NumPy. */
  bfloordiv(a: bigint, b: bigint): bigint {
    if (b === 0n) return 0n;
    let q = a / b;
    if (a % b !== 0n && a < 0n !== b < 0n) q -= 1n;
    return BigInt.asIntN(64, q);
  },
  /** 10 ** n for n >= 0 by repeated multiplication, as NumPy's power_of_ten. */
  pow10(n: number): number {
    let p = 1;
    for (let i = 0; i < n; i++) p *= 10;
    return p;
  },
  round(x: number): number {
    if (x !== x || x === Infinity || x === -Infinity) return x;
    const f = Math.floor(x);
    const d = x - f;
    const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    return r === 0 && x < 0 ? -0 : r; // -0.4 and -0.5 round to -0, as rint does
  },
  max(a: number, b: number): number {
    return a !== a ? a : b !== b ? b : a >= b ? a : b;
  },
  min(a: number, b: number): number {
    return a !== a ? a : b !== b ? b : a <= b ? a : b;
  },
};
