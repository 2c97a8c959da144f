/**
 * Rounding and number text shared by the expression kernels: round half to even (as NumPy,
 * pandas and Polars), and the strict reading of text as an integer or a float that cast uses
 * (decimal only: '0x10', '0b11', '1_000' are not numbers there, as in pandas and Polars).
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
const SPECIAL = new Map([['nan', NaN], ['inf', Infinity], ['infinity', Infinity]]);

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
