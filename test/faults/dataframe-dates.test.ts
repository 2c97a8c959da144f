/**
 * Faults of the date parser as readCSV, cast and expressions use it: dates that rolled over or
 * were read in the local zone, slash dates (month first, dayfirst, a month past 12 never
 * swapped), invalid date literals. References: pandas' to_datetime (dataframe-ref.py, its
 * output in dataframe-ref.json), or values worked out by hand in the test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvParseError, DataFrameError, InvalidDateError, col, fromRecords, lit, readCSV } from '@tsdask/dataframe';
import '@tsdask/scheduler-local';
import { failure, faultFiles, find } from './support.js';

const REF = JSON.parse(readFileSync(new URL('./dataframe-ref.json', import.meta.url), 'utf8')) as { dates: [string, number | null][] };

const { file } = faultFiles('tsdask-faults-dates-');

// Forms pandas reads that we refuse on purpose (ambiguous or guessed); see parse-date.ts.
// '13/04/2021': no month 13 (pandas' guesser swaps it to April 13th); '3/4/21': a 2-digit year.
const REFUSED = ['Jan 5 2024', '20240105', 'Friday', '2024-01-05Z', '2024-01/05', '13/04/2021', '3/4/21'];
// In range for our ms timestamps, outside pandas' nanosecond range: worked out by hand.
const BY_HAND: [string, number][] = [
  ['0001-01-01', -62135596800000], // 719162 days before 1970-01-01
  ['9999-12-31', 253402214400000], // 2932896 days after it
];

describe('dates: no rolling over, no local zone', () => {
  const cases = [
    ...REF.dates.filter(([t, ms]) => ms !== null || !BY_HAND.some(([b]) => b === t)),
    ...BY_HAND,
    ...REFUSED.map((t) => [t, null] as [string, null]),
  ];

  for (const engine of ['scanner', 'papaparse'] as const) {
    it(`parseDates (${engine}, fast and general paths): invalid dates are null with invalidDates: 'null'`, async () => {
      // Plain rows take the scanner's fast path; the same texts quoted take the general path.
      const lines = ['i,d'];
      cases.forEach(([t], i) => lines.push(`${i},${t}`));
      cases.forEach(([t], i) => lines.push(`${i + cases.length},"${t}"`));
      const p = file(`dates-${engine}.csv`, lines.join('\n') + '\n');
      const got = await readCSV(p, { engine, dtypes: { i: 'int64', d: 'timestamp' }, invalidDates: 'null' }).toRecords({ scheduler: 'sync' });
      const want = [...cases, ...cases].map(([, ms]) => ms);
      expect(got.map((r) => (r.d === null ? null : (r.d as Date).getTime()))).toEqual(want);
    });

    it(`parseDates (${engine}): an invalid date is a CsvParseError naming file, line and value by default`, async () => {
      for (const bad of ['2024-02-30', '2023-13-01', 'hello 1']) {
        const p = file(`bad-${engine}-${bad.replace(/\W/g, '')}.csv`, `i,d\n1,2024-02-28\n2,${bad}\n`);
        const err = find(await failure(readCSV(p, { engine, parseDates: ['d'] }).toRecords({ scheduler: 'sync' })), CsvParseError);
        expect(err.file).toBe(p);
        expect(err.line).toBe(3);
        expect(err.message).toContain(JSON.stringify(bad));
        expect(err.message).toContain("invalidDates: 'null'");
      }
    });
  }

  it('date columns (days) validate the day against month and leap year', async () => {
    const p = file('days.csv', 'd\n2024-02-29\n2023-02-29\n2000-02-29\n1900-02-29\n2024-04-31\n');
    const got = await readCSV(p, { dtypes: { d: 'date' }, invalidDates: 'null' }).toRecords({ scheduler: 'threads' });
    // Days since 1970-01-01, by hand: 2024-02-29 is 19782, 2000-02-29 is 11016.
    expect(got.map((r) => (r.d === null ? null : (r.d as Date).getTime() / 86_400_000))).toEqual([19782, null, 11016, null, null]);
  });

  it('a text without a zone is UTC whatever the local zone is', async () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const p = file('tz.csv', 'd\n2024-01-05 10:00\n"2024-01-05 10:00"\n');
      const got = await readCSV(p, { parseDates: ['d'] }).toRecords({ scheduler: 'sync' });
      expect(got.map((r) => (r.d as Date).getTime())).toEqual([Date.UTC(2024, 0, 5, 10), Date.UTC(2024, 0, 5, 10)]);
      const casted = await fromRecords([{ s: '2024-01-05 10:00' }, { s: 'Jan 5 2024' }])
        .withColumns({ t: col('s').cast('timestamp') })
        .toRecords({ scheduler: 'sync' });
      expect(casted.map((r) => (r.t === null ? null : (r.t as Date).getTime()))).toEqual([Date.UTC(2024, 0, 5, 10), null]);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('cast of text to date and timestamp gives null for an invalid date, never another date', async () => {
    const rows = cases.map(([t]) => ({ s: t }));
    const got = await fromRecords(rows, { npartitions: 3 })
      .withColumns({ t: col('s').cast('timestamp'), d: col('s').cast('date') })
      .toRecords({ scheduler: 'threads' });
    expect(got.map((r) => (r.t === null ? null : (r.t as Date).getTime()))).toEqual(cases.map(([, ms]) => ms));
    expect(got.map((r) => (r.d === null ? null : (r.d as Date).getTime()))).toEqual(
      cases.map(([, ms]) => (ms === null ? null : Math.floor(ms / 86_400_000) * 86_400_000)),
    );
  });

  for (const engine of ['scanner', 'papaparse'] as const) {
    it(`slash dates (${engine}): month first by default, D/M/YYYY with dayfirst, a month past 12 never swapped`, async () => {
      // Plain rows (the scanner's fast path) and the same quoted (its general path).
      const texts = ['03/04/2021', '12/31/1999 13:45', '1/2/2024', '13/04/2021'];
      const body = texts.map((t, i) => `${i},${t}`).concat(texts.map((t, i) => `${i + 4},"${t}"`));
      const p = file(`slash-${engine}.csv`, ['i,d', ...body].join('\n') + '\n');
      // By hand: month first; 13/04/2021 is no date.
      const monthFirst = [Date.UTC(2021, 2, 4), Date.UTC(1999, 11, 31, 13, 45), Date.UTC(2024, 0, 2), null];
      const ms = (rows: Record<string, unknown>[]) => rows.map((r) => (r.d === null ? null : (r.d as Date).getTime()));
      for (const blocksize of [16, 1 << 20]) {
        const got = await readCSV(p, { engine, blocksize, parseDates: ['d'], invalidDates: 'null' }).toRecords({ scheduler: 'sync' });
        expect(ms(got)).toEqual([...monthFirst, ...monthFirst]);
        // dayfirst: 12/31/1999 has no month 31 and 13/04/2021 is April 13th.
        const df = await readCSV(p, { engine, blocksize, parseDates: ['d'], invalidDates: 'null', dayfirst: true }).toRecords({ scheduler: 'sync' });
        const dayFirst = [Date.UTC(2021, 3, 3), null, Date.UTC(2024, 1, 1), Date.UTC(2021, 3, 13)];
        expect(ms(df)).toEqual([...dayFirst, ...dayFirst]);
      }
      // By default the invalid one is a CsvParseError naming file, line and value.
      const err = find(await failure(readCSV(p, { engine, parseDates: ['d'] }).toRecords({ scheduler: 'sync' })), CsvParseError);
      expect(err.file).toBe(p);
      expect(err.line).toBe(5);
      expect(err.message).toContain('"13/04/2021"');
      expect(err.message).toContain('M/D/YYYY');
    });
  }

  it('dayfirst and invalidDates of the wrong kind are a DataFrameError naming the option', () => {
    const p = file('opts.csv', 'd\n3/4/2021\n');
    expect(() => readCSV(p, { parseDates: ['d'], dayfirst: 'true' as unknown as boolean })).toThrow(/dayfirst must be true or false, not "true"/);
    expect(() => readCSV(p, { parseDates: ['d'], invalidDates: 'nul' as 'null' })).toThrow(DataFrameError);
  });

  it('cast of slash text to dates and slash date literals read month first', async () => {
    const got = await fromRecords([{ s: '03/04/2021' }, { s: '13/04/2021' }])
      .withColumns({ d: col('s').cast('date') })
      .toRecords({ scheduler: 'sync' });
    expect(got.map((r) => (r.d === null ? null : (r.d as Date).getTime()))).toEqual([Date.UTC(2021, 2, 4), null]);
    const f = fromRecords([{ d: new Date(Date.UTC(2021, 2, 4)) }], { dtypes: { d: 'date' } });
    expect((await f.filter(col('d').eq('3/4/2021')).toRecords({ scheduler: 'sync' })).length).toBe(1);
    expect(() => f.filter(col('d').eq('13/04/2021'))).toThrow(InvalidDateError);
  });

  const days = [Date.UTC(2024, 1, 27), Date.UTC(2024, 1, 28), Date.UTC(2024, 1, 29), Date.UTC(2024, 2, 1)];
  const df = fromRecords(
    days.map((ms) => ({ d: new Date(ms), t: new Date(ms + 3_600_000) })),
    { dtypes: { d: 'date', t: 'timestamp' }, npartitions: 2 },
  );

  it('an invalid date literal in an expression is an InvalidDateError when the expression is used, naming it', () => {
    const uses: [() => unknown, string][] = [
      [() => df.filter(col('d').lt('2024-02-31')), '2024-02-31'],
      [() => df.filter(col('t').gt('garbage')), 'garbage'],
      [() => df.filter(lit('2023-02-29').le(col('d'))), '2023-02-29'],
      [() => df.filter(col('d').between('2024-01-01', '2024-13-01')), '2024-13-01'],
      [() => df.filter(col('t').isIn(['2024-02-30'])), '2024-02-30'],
      [() => df.withColumns({ x: col('d').eq('hello 1') }), 'hello 1'],
    ];
    for (const [use, text] of uses) {
      let err: unknown;
      try {
        use();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidDateError);
      expect((err as InvalidDateError).text).toBe(text);
      expect((err as Error).message).toContain(JSON.stringify(text));
    }
    expect(() => col('t').lt(new Date('not a date'))).toThrow(InvalidDateError);
    expect(() => col('t').isIn([new Date(NaN)])).toThrow(InvalidDateError);
  });

  it('a text column compared with a date column is null where the text is not a date', async () => {
    const texts = ['2024-02-28', '2024-02-30', 'hello 1', '2024-03-01'];
    const f = fromRecords(
      days.map((ms, i) => ({ d: new Date(ms), s: texts[i] })),
      { dtypes: { d: 'date', s: 'utf8' } },
    );
    const got = await f.withColumns({ le: col('d').le(col('s')) }).toRecords({ scheduler: 'sync' });
    // By hand: Feb 27 <= Feb 28; the two invalid texts give null; Mar 1 <= Mar 1.
    expect(got.map((r) => r.le)).toEqual([true, null, null, true]);
  });

  it('valid date literals compare as the plain loop does (date and timestamp columns, isIn)', async () => {
    const got = await df
      .withColumns({
        lt: col('d').lt('2024-02-29'),
        ge: col('t').ge('2024-02-29T00:30:00Z'),
        off: col('t').eq('2024-02-29T02:00:00+01:00'),
        inD: col('d').isIn(['2024-02-29', new Date(days[0] as number)]),
        inT: col('t').isIn([new Date((days[3] as number) + 3_600_000)]),
      })
      .toRecords({ scheduler: 'sync' });
    const cut = Date.UTC(2024, 1, 29);
    expect(got.map((r) => r.lt)).toEqual(days.map((ms) => ms < cut));
    expect(got.map((r) => r.ge)).toEqual(days.map((ms) => ms + 3_600_000 >= cut + 1_800_000));
    expect(got.map((r) => r.off)).toEqual(days.map((ms) => ms + 3_600_000 === cut + 3_600_000));
    expect(got.map((r) => r.inD)).toEqual(days.map((ms) => ms === cut || ms === days[0]));
    expect(got.map((r) => r.inT)).toEqual(days.map((ms) => ms === days[3]));
  });
});
