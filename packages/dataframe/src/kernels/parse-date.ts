/**
 * Date and date-time text to milliseconds since the epoch (UTC), strictly: one parser for the
 * CSV reader (both paths), casts and date literals in expressions, so all read a text alike.
 *
 * Accepted (ISO 8601 and the forms pandas' default parser reads alike):
 *   YYYY-MM-DD or YYYY/MM/DD (month and day may have one digit; one separator throughout)
 *   then optionally [T or space] H:MM[:SS[.fraction]] (hour 0-23, fraction up to 9 digits,
 *   truncated to the millisecond)
 *   then optionally a zone: Z, or +HH, +HHMM, +HH:MM (or -), maybe after one space.
 * Surrounding white space is ignored. A time without a zone is UTC, never the local zone.
 * Every field is checked: month 1-12, the day against its month (leap years included), hour
 * 0-23, minute and second 0-59. Anything else is not a date (NaN): no rolling over
 * (2024-02-30 is not March 1st), no guessing (`01/05/2024`, `Jan 5 2024`, `20240105` and
 * free text are refused rather than read one of several ways).
 */

const DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The number of days in month m (1-12) of year y. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** ms since the epoch of checked parts (UTC); NaN when one is out of its range. */
export function utcFromParts(y: number, mo: number, d: number, hh: number, mm: number, ss: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || hh > 23 || mm > 59 || ss > 59) return NaN;
  return daysFromCivil(y, mo, d) * DAY + ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
}

const DATE_RE =
  /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?: ?(Z|[+-]\d{2}(?::?\d{2})?))?$/;

/** Parses a date or date-time text to ms since the epoch (see the file header); NaN when not one. */
export function parseDateMs(s: string): number {
  const m = DATE_RE.exec(s.trim());
  if (m === null) return NaN;
  // A zone only follows a time: '2024-01-05Z' or '2024-01-05 +01' is not a date.
  if (m[9] !== undefined && m[5] === undefined) return NaN;
  const frac = m[8] === undefined ? 0 : Number(m[8].padEnd(3, '0').slice(0, 3));
  let ms = utcFromParts(Number(m[1]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0), frac);
  const tz = m[9];
  if (tz !== undefined && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return NaN;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return ms;
}

/** Reads digits [s, e) as a non-negative integer; -1 when a byte is not a digit. */
function digitsAt(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = (b[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The end of the run of at most two digits from i (before e). */
function twoDigits(b: Uint8Array, i: number, e: number): number {
  let j = i;
  while (j < e && j < i + 2 && (b[j] as number) >= 48 && (b[j] as number) <= 57) j++;
  return j;
}

/**
 * The CSV scanner's fast form of parseDateMs, from bytes [s, e) with no string made: the same
 * value for `YYYY-MM-DD` and `YYYY-MM-DD[T ]H:MM[:SS[.fffffffff]]` ('/' may replace both '-');
 * NaN for anything else (a zone, spaces, an invalid date), which the general path then reads
 * with parseDateMs and accepts or refuses.
 */
export function parseDateBytes(b: Uint8Array, s: number, e: number): number {
  if (e - s < 8) return NaN;
  const y = digitsAt(b, s, s + 4);
  let i = s + 4;
  const sep = b[i];
  if (y < 0 || (sep !== 45 && sep !== 47)) return NaN;
  i++;
  let j = twoDigits(b, i, e);
  if (j === i || j >= e || b[j] !== sep) return NaN;
  const mo = digitsAt(b, i, j);
  i = j + 1;
  j = twoDigits(b, i, e);
  if (j === i) return NaN;
  const d = digitsAt(b, i, j);
  if (j === e) return utcFromParts(y, mo, d, 0, 0, 0, 0);
  const t = b[j];
  if (t !== 84 && t !== 32) return NaN;
  i = j + 1;
  j = twoDigits(b, i, e);
  if (j === i || j + 3 > e || b[j] !== 58) return NaN;
  const hh = digitsAt(b, i, j);
  const mm = digitsAt(b, j + 1, j + 3);
  if (mm < 0) return NaN;
  i = j + 3;
  if (i === e) return utcFromParts(y, mo, d, hh, mm, 0, 0);
  if (b[i] !== 58 || i + 3 > e) return NaN;
  const ss = digitsAt(b, i + 1, i + 3);
  if (ss < 0) return NaN;
  i += 3;
  if (i === e) return utcFromParts(y, mo, d, hh, mm, ss, 0);
  if (b[i] !== 46) return NaN;
  const nf = e - i - 1;
  if (nf < 1 || nf > 9 || digitsAt(b, i + 1, e) < 0) return NaN;
  // The first three fraction digits, padded with zeros (as parseDateMs).
  let ms = 0;
  for (let k = 0; k < 3; k++) ms = ms * 10 + (k < nf ? (b[i + 1 + k] as number) - 48 : 0);
  return utcFromParts(y, mo, d, hh, mm, ss, ms);
}
