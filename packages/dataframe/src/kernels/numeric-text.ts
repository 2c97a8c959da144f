/**
 * Rounding and number text shared by the expression kernels and the CSV reader: round half to
 * even (as NumPy, pandas and Polars), the strict reading of text as an integer or a float that
 * cast uses (decimal only: '0x10', '0b11', '1_000' are not numbers there, as in pandas and
 * Polars), the infinity spellings pandas' read_csv takes, and a float written as Python's repr.
 */

/** x rounded to the nearest integer, ties to the even one (NumPy's rint). */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * x rounded to `decimals` places (negative: to tens, hundreds...), ties to even, as NumPy's
 * round: rint(x * 10^d) / 10^d, so a tie is judged on the scaled binary value.
 */
export function roundTo(x: number, decimals: number): number {
  if (decimals === 0) return rint(x);
  if (decimals > 0) {
    const f = 10 ** decimals;
    const y = x * f;
    // Past 2^52 every float is already an integer: scaling and back would only lose digits.
    return Number.isFinite(y) && Math.abs(y) < 2 ** 52 ? rint(y) / f : x;
  }
  const f = 10 ** -decimals;
  return rint(x / f) * f;
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = new Map([
  ['nan', NaN],
  ['inf', Infinity],
  ['infinity', Infinity],
]);

/** Text as an integer (decimal digits with an optional sign, white space around); NaN when not. */
export function intFromText(s: string): number {
  const t = s.trim();
  return INT_RE.test(t) ? Number(t) : NaN;
}

/** Text as a float (decimal, exponent, inf, infinity, nan; any case); undefined when not a number. */
export function floatFromText(s: string): number | undefined {
  const t = s.trim();
  if (FLOAT_RE.test(t)) return Number(t);
  const lower = t.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  const v = SPECIAL.get(body);
  return v === undefined ? undefined : sign * v;
}

/**
 * The infinity spellings pandas' read_csv reads as floats: an optional sign, then 'inf' or
 * 'infinity' in any case, with nothing around it (' inf' is text to pandas). +-Infinity for
 * those, 0 for any other text.
 */
export function infinityFromText(s: string): number {
  const n = s.length;
  if (n < 3 || n > 9) return 0;
  const c = s.charCodeAt(0);
  const i = c === 43 || c === 45 ? 1 : 0;
  const body = s.slice(i).toLowerCase();
  if (body !== 'inf' && body !== 'infinity') return 0;
  return c === 45 ? -Infinity : Infinity;
}

const INFINITY_BYTES = [105, 110, 102, 105, 110, 105, 116, 121]; // 'infinity'

/** infinityFromText on bytes [s, e) of b (ASCII letters compared case-blind); 0 when not one. */
export function infinityFromBytes(b: Uint8Array, s: number, e: number): number {
  const c = b[s] as number;
  const i = c === 43 || c === 45 ? s + 1 : s;
  const len = e - i;
  if (len !== 3 && len !== 8) return 0;
  // b | 32 equals a lower-case letter only for that letter and its upper case.
  for (let k = 0; k < len; k++) if (((b[i + k] as number) | 32) !== INFINITY_BYTES[k]) return 0;
  return c === 45 ? -Infinity : Infinity;
}

/**
 * A float as Python's repr writes it (what pandas' astype(str) and to_csv write): the shortest
 * digits that read back to the same number, '.0' on integral values, exponent form below 1e-4
 * and from 1e16 ('1e-05', '1.5e+16'), 'inf', '-inf', 'nan'.
 */
export function floatRepr(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // String() gives the shortest digits that read back to x, the closest of them on a tie: the
  // digits Python's repr chooses; only their layout differs. |x| = d1.d2d3... * 10^exp.
  const t = String(Math.abs(x));
  const k = t.indexOf('e');
  let digits: string;
  let exp: number;
  if (k >= 0) {
    digits = t.slice(0, k).replace('.', '');
    exp = Number(t.slice(k + 1));
  } else {
    const dot = t.indexOf('.');
    const whole = dot < 0 ? t : t.slice(0, dot);
    const part = dot < 0 ? '' : t.slice(dot + 1);
    if (whole !== '0') {
      exp = whole.length - 1;
      digits = (whole + part).replace(/0+$/, '');
    } else {
      const zeros = part.length - part.replace(/^0+/, '').length;
      exp = -zeros - 1;
      digits = part.slice(zeros);
    }
  }
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
  const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
  return `${sign}${int}.${frac}`;
}
