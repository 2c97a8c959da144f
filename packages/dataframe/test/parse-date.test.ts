/**
 * The date parser against an independent reference (Date.UTC with a round trip that catches
 * rolled-over fields), on seeded random texts near the accepted forms (year first, M/D/YYYY and
 * D/M/YYYY); and the scanner's byte
 * form (parseDateBytes) gives the same value as the text form wherever it answers.
 */
import { describe, expect, it } from 'vitest';
// Internal module, from the build as the other tests (no public export for it).
import { parseDateBytes, parseDateMs } from '../dist/kernels/parse-date.js';

/** ms of the parts by Date, or null when Date rolls a field over (Feb 30 -> Mar 1) or one is out of range. */
function reference(y: number, mo: number, d: number, hh: number, mm: number, ss: number, ms: number): number | null {
  if (hh > 23 || mm > 59 || ss > 59) return null;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(hh, mm, ss, ms);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.getTime();
}

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('parseDateMs and parseDateBytes', () => {
  it('agree with Date.UTC and its round trip on 20000 random texts, and with each other', () => {
    const r = rng(42);
    const pick = (n: number) => Math.floor(r() * n);
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    const enc = new TextEncoder();
    let accepted = 0;
    let slashes = 0;
    for (let k = 0; k < 20000; k++) {
      const y = [1900, 2000, 2023, 2024, 1969, 2100, 1, 9999][pick(8)] as number;
      const mo = pick(14);
      const d = pick(33);
      const sep = r() < 0.8 ? '-' : '/';
      const mText = r() < 0.5 ? pad(mo, 2) : String(mo);
      const dText = r() < 0.5 ? pad(d, 2) : String(d);
      // Year first, or year last: M/D/YYYY (month first) or D/M/YYYY read with dayFirst.
      const form = pick(4);
      const dayFirst = form === 3;
      let text = form < 2 ? `${pad(y, 4)}${sep}${mText}${sep}${dText}` : dayFirst ? `${dText}/${mText}/${pad(y, 4)}` : `${mText}/${dText}/${pad(y, 4)}`;
      let hh = 0,
        mm = 0,
        ss = 0,
        ms = 0;
      if (r() < 0.6) {
        hh = pick(26);
        mm = pick(62);
        text += `${r() < 0.5 ? 'T' : ' '}${r() < 0.5 ? pad(hh, 2) : hh}:${pad(mm, 2)}`;
        if (r() < 0.7) {
          ss = pick(62);
          text += `:${pad(ss, 2)}`;
          if (r() < 0.5) {
            const digits = 1 + pick(9);
            const frac = String(pick(10 ** digits)).padStart(digits, '0');
            text += `.${frac}`;
            ms = Number(frac.padEnd(3, '0').slice(0, 3));
          }
        }
      }
      const want = reference(y, mo, d, hh, mm, ss, ms);
      const got = parseDateMs(text, dayFirst);
      expect(Number.isNaN(got) ? null : got, text).toBe(want);
      const b = enc.encode(text);
      const fast = parseDateBytes(b, 0, b.length, dayFirst);
      expect(Number.isNaN(fast) ? null : fast, text).toBe(want);
      if (want !== null) accepted++;
      if (want !== null && form >= 2) slashes++;
    }
    expect(slashes).toBeGreaterThan(1000);
    // The generator reaches both sides.
    expect(accepted).toBeGreaterThan(3000);
    expect(accepted).toBeLessThan(17000);
  });

  it('zones shift to UTC; a zone without a time, free text and guessed forms are not dates', () => {
    expect(parseDateMs('2024-01-05T10:00:00+05:30')).toBe(Date.UTC(2024, 0, 5, 4, 30));
    expect(parseDateMs('2024-01-05 10:00 -08')).toBe(Date.UTC(2024, 0, 5, 18));
    expect(parseDateMs('2024-01-05T10:00:00+24:00')).toBeNaN();
    for (const t of ['2024-01-05Z', '2024-01-05 +01:00', 'hello 1', 'Jan 5 2024', '20240105', '2024-01/05', '', '2024-02-29T', '__proto__']) {
      expect(parseDateMs(t), t).toBeNaN();
    }
  });

  it('slash dates with the year last: month first, D/M/YYYY with dayFirst, never swapped to fit', () => {
    const enc = new TextEncoder();
    const both = (t: string, dayFirst = false): number => {
      const b = enc.encode(t);
      const fast = parseDateBytes(b, 0, b.length, dayFirst);
      const slow = parseDateMs(t, dayFirst);
      // The byte form answers the forms without a zone; where it answers, it agrees.
      if (!Number.isNaN(fast)) expect(fast, t).toBe(slow);
      return slow;
    };
    expect(both('03/04/2021')).toBe(Date.UTC(2021, 2, 4));
    expect(both('03/04/2021', true)).toBe(Date.UTC(2021, 3, 3));
    expect(both('12/31/1999 13:45')).toBe(Date.UTC(1999, 11, 31, 13, 45));
    expect(both('3/4/2021T01:02:03.456')).toBe(Date.UTC(2021, 2, 4, 1, 2, 3, 456));
    expect(both('3/4/2021 10:00 +01:00')).toBe(Date.UTC(2021, 2, 4, 9));
    expect(both('2/29/2024')).toBe(Date.UTC(2024, 1, 29));
    // Year first is unaffected by dayFirst.
    expect(both('2021/03/04', true)).toBe(Date.UTC(2021, 2, 4));
    // Invalid month or day: not a date (pandas' guesser would read 13/04/2021 as April 13th).
    for (const t of [
      '13/04/2021',
      '00/04/2021',
      '02/30/2021',
      '2/29/2023',
      '4/31/2021',
      '3/4/21',
      '03-04-2021',
      '3/4/20211',
      '123/4/2021',
      '3/4/2021 24:00',
      '3/4/2021Z',
    ]) {
      expect(both(t), t).toBeNaN();
    }
    expect(both('31/12/1999', true)).toBe(Date.UTC(1999, 11, 31));
    expect(both('12/31/1999', true)).toBeNaN();
  });
});
