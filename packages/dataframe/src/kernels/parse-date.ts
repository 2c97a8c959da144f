/**
 * Date and date-time text to milliseconds since the epoch (UTC), strictly: one parser for the
 * CSV reader (both paths), casts and date literals in expressions, so all read a text alike.
 *
 * Accepted (ISO 8601 and the forms pandas' default parser reads alike):
 *   YYYY-MM-DD or YYYY/MM/DD (month and day may have one digit; one separator throughout),
 *   or M/D/YYYY (month first, pandas' default; one or two digits, a 4-digit year; D/M/YYYY
 *   with `dayFirst`, pandas' dayfirst=True)
 *   then optionally [T or space] H:MM[:SS[.fraction]] (hour 0-23, fraction up to 9 digits,
 *   truncated to the millisecond)
 *   then optionally a zone: Z, or +HH, +HHMM, +HH:MM (or -), maybe after one space.
 * Surrounding white space is ignored. A time without a zone is UTC, never the local zone.
 * Every field is checked: month 1-12, the day against its month (leap years included), hour
 * 0-23, minute and second 0-59. Anything else is not a date (NaN): no rolling over
 * (2024-02-30 is not March 1st), no guessing (`13/04/2021` is not April 13th, as pandas'
 * guesser would swap it; `Jan 5 2024`, `20240105`, `3/4/21` and free text are refused rather
 * than read one of several ways).
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

/** What follows the date: [T or space] H:MM[:SS[.fraction]], then a zone (Z, +HH, +HHMM, +HH:MM). */
const TAIL = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?: ?(Z|[+-]\d{2}(?::?\d{2})?))?$`;
/** Year first: groups 1 year, 3 month, 4 day, then the tail's 5-9. */
const ISO_RE = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})` + TAIL);
/** M/D/YYYY (or D/M/YYYY): groups 1 and 2 the month and day in the text's order, 3 the year, then 4-8. */
const SLASH_RE = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})` + TAIL);

/**
 * Parses a date or date-time text to ms since the epoch (see the file header); NaN when not one.
 * `dayFirst`: a slash date with the year last is D/M/YYYY instead of M/D/YYYY.
 */
export function parseDateMs(s: string, dayFirst = false): number {
  const t = s.trim();
  let y: number, mo: number, d: number;
  // The time and zone groups: [hour, minute, second, fraction, zone].
  let tail: (string | undefined)[];
  const m = ISO_RE.exec(t);
  if (m !== null) {
    y = Number(m[1]);
    mo = Number(m[3]);
    d = Number(m[4]);
    tail = m.slice(5, 10);
  } else {
    const u = SLASH_RE.exec(t);
    if (u === null) return NaN;
    y = Number(u[3]);
    mo = Number(dayFirst ? u[2] : u[1]);
    d = Number(dayFirst ? u[1] : u[2]);
    tail = u.slice(4, 9);
  }
  const [hh, mi, ss, fr, tz] = tail;
  // A zone only follows a time: '2024-01-05Z' or '2024-01-05 +01' is not a date.
  if (tz !== undefined && hh === undefined) return NaN;
  const frac = fr === undefined ? 0 : Number(fr.padEnd(3, '0').slice(0, 3));
  let ms = utcFromParts(y, mo, d, Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0), frac);
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
 * value for `YYYY-MM-DD`, `M/D/YYYY` (D/M/YYYY with `dayFirst`), each optionally followed by
 * `[T ]H:MM[:SS[.fffffffff]]` ('/' may replace both '-' of the first); NaN for anything else (a
 * zone, spaces, an invalid date), which the general path then reads with parseDateMs and
 * accepts or refuses.
 */
export function parseDateBytes(b: Uint8Array, s: number, e: number, dayFirst = false): number {
  if (e - s < 8) return NaN;
  let y = digitsAt(b, s, s + 4);
  let mo: number, d: number;
  let i: number, j: number;
  if (y >= 0) {
    i = s + 4;
    const sep = b[i];
    if (sep !== 45 && sep !== 47) return NaN;
    i++;
    j = twoDigits(b, i, e);
    if (j === i || j >= e || b[j] !== sep) return NaN;
    mo = digitsAt(b, i, j);
    i = j + 1;
    j = twoDigits(b, i, e);
    if (j === i) return NaN;
    d = digitsAt(b, i, j);
  } else {
    // M/D/YYYY: one or two digits, '/', one or two digits, '/', four digits.
    j = twoDigits(b, s, e);
    if (j === s || j >= e || b[j] !== 47) return NaN;
    const first = digitsAt(b, s, j);
    i = j + 1;
    j = twoDigits(b, i, e);
    if (j === i || j + 5 > e || b[j] !== 47) return NaN;
    const second = digitsAt(b, i, j);
    y = digitsAt(b, j + 1, j + 5);
    if (y < 0) return NaN;
    j += 5;
    mo = dayFirst ? second : first;
    d = dayFirst ? first : second;
  }
  return timeTail(b, j, e, y, mo, d);
}

/** The rest of parseDateBytes from j, just after the date's last digit. */
function timeTail(b: Uint8Array, j0: number, e: number, y: number, mo: number, d: number): number {
  let j = j0;
  if (j === e) return utcFromParts(y, mo, d, 0, 0, 0, 0);
  // Then T or a space (anything else, a third digit of the day too, is not a date).
  const t = b[j];
  if (t !== 84 && t !== 32) return NaN;
  let i = j + 1;
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
