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
