// What a user sees when a lazy frame, a column or a future is printed (console.log, the REPL,
// util.inspect, String()): one line naming partitions, columns and dtypes, and tasks, written
// out by hand here; never the object's internals.
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { col, fromRecords } from '@tsdask/dataframe';
import { Client, delayed } from '@tsdask/core-graph';

const rows = Array.from({ length: 6 }, (_, i) => ({ delay: i, origin: i % 2 === 0 ? 'SFO' : 'LAX' }));

it('a DataFrame and a Series print as one line, in String() and util.inspect alike', () => {
  const df = fromRecords(rows, { dtypes: { delay: 'int32', origin: 'utf8' }, npartitions: 3 });
  const text = 'tsdask.DataFrame<npartitions=3, columns=2 (delay int32, origin utf8), tasks=3>';
  expect(String(df)).toBe(text);
  expect(inspect(df)).toBe(text);
  expect(inspect({ frame: df })).toContain(`frame: ${text}`); // inside an object too, never the plan
  const s = df.col('delay');
  expect(inspect(s)).toBe('tsdask.Series<delay, dtype=int32, npartitions=3, tasks=3>');
});

it('a wide frame names its first 8 columns and counts the rest', () => {
  const wide = fromRecords([Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`c${i}`, i]))], {
    dtypes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`c${i}`, 'float64'])),
  });
  expect(inspect(wide)).toBe(
    'tsdask.DataFrame<npartitions=1, columns=11 (c0 float64, c1 float64, c2 float64, c3 float64, c4 float64, c5 float64, c6 float64, c7 float64, ... 3 more), tasks=1>',
  );
});

it('a Delayed and a Future print as their summaries too', async () => {
  const d = delayed((x: number) => x + 1, { name: 'inc' })(1);
  expect(inspect(d)).toBe(`Delayed('${d.key}')`);
  const client = new Client({ scheduler: 'sync' });
  const f = client.submit((x: number) => x * 2, 21);
  expect(await f.result()).toBe(42);
  expect(inspect(f)).toBe(`Future('${f.key}', finished)`);
  f.release();
});

it("a frame's HTML is Dask's structure table: a column per column with its dtype", () => {
  const df = fromRecords(rows, { dtypes: { delay: 'int32', origin: 'utf8' }, npartitions: 3 });
  const html = df.toHTML();
  expect(html).toContain('<thead><tr><th></th><th>delay</th><th>origin</th></tr></thead>');
  expect(html).toContain('<tr><th>npartitions=3</th><td>int32</td><td>utf8</td></tr>');
  expect(html).toContain('3 tasks');
  expect(df.col('origin').toHTML()).toContain('<tr><th>npartitions=3</th><td>utf8</td></tr>');
});

it('a computed table prints its first rows and its size, as pandas does, not Arrow internals', async () => {
  const df = fromRecords(rows, { dtypes: { delay: 'int32', origin: 'utf8' }, npartitions: 3 });
  const t = await df.withColumns({ half: col('delay').div(4) }).compute({ scheduler: 'sync' });
  expect(inspect(t)).toBe(
    [
      '   delay  origin  half',
      '0      0     SFO     0',
      '1      1     LAX  0.25',
      '2      2     SFO   0.5',
      '3      3     LAX  0.75',
      '4      4     SFO     1',
      '5      5     LAX  1.25',
      '',
      '[6 rows × 3 columns]',
    ].join('\n'),
  );
  const head = await df.head(2, { scheduler: 'sync' });
  expect(inspect(head)).toContain('[2 rows × 2 columns]');
});
