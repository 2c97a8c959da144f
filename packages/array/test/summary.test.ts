// An array prints as its one-line summary in util.inspect (console.log, the REPL) as in String():
// 4 x 6 float64 is 192 bytes, in 2 x 2 chunks of 2 x 3, one task each.
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { zeros } from '@tsdask/array';

it('util.inspect shows the summary, not the internals', () => {
  const x = zeros([4, 6], { chunks: [2, 3] });
  const text = 'tsdask.array<full, shape=(4, 6), dtype=float64, chunks=(2|2, 3|3), chunksize=(2, 3), nbytes=192 B, tasks=4>';
  expect(String(x)).toBe(text);
  expect(inspect(x)).toBe(text);
  expect(inspect([x])).toContain(text);
});

it("toHTML is Dask's table beside the chunk grid: a line per chunk boundary", () => {
  const x = zeros([4, 6], { chunks: [2, 3] });
  const html = x.toHTML();
  expect(html).toContain('<tr><th>Bytes</th><td>192 B</td><td>48 B</td></tr>'); // a 2 x 3 float64 chunk: 48 bytes
  expect(html).toContain('<tr><th>Shape</th><td>(4, 6)</td><td>(2, 3)</td></tr>');
  expect(html).toContain('<tr><th>Count</th><td>4 tasks</td><td>4 chunks</td></tr>');
  expect(html).toContain('4 chunks in 1 graph layers');
  expect(x.add(1).toHTML()).toContain('4 chunks in 2 graph layers');
  expect(html.match(/<line /g)?.length).toBe(3 + 3); // rows: 0, 2, 4; columns: 0, 3, 6
  // past 100 chunks along an axis, one filled block instead of lines (as Dask)
  expect(zeros([1000], { chunks: [5] }).toHTML()).not.toContain('<line ');
});
