import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { delayed } from '@tsdask/core-graph';
import { ProgressBar } from '@tsdask/scheduler-local';

describe('ProgressBar', () => {
  it('draws from the event stream and ends at 100%', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    }) as Writable & { isTTY: boolean; columns: number; cursorTo(): boolean; clearLine(): boolean; moveCursor(): boolean };
    stream.isTTY = true;
    stream.columns = 120;
    stream.cursorTo = () => true;
    stream.clearLine = () => true;
    stream.moveCursor = () => true;
    const inc = delayed((x: number) => x + 1);
    const add = delayed((a: number, b: number) => a + b);
    const total = Array.from({ length: 50 }, (_, i) => inc(i)).reduce((a, b) => add(a, b));
    expect(await total.compute({ scheduler: 'sync', callbacks: [new ProgressBar(stream)] })).toBe(1275);
    expect(out).toContain('99/99 tasks');
    expect(out).toContain('100%');
  });
});
