/** A writable that passes for a terminal (what ProgressBar draws on), keeping what is written. */
import { Writable } from 'node:stream';

export type FakeTty = Writable & { isTTY: boolean; columns: number; cursorTo(): boolean; clearLine(): boolean; moveCursor(): boolean };

/** The stream, and `text()`: everything written to it so far. */
export function fakeTty(columns = 120): { stream: FakeTty; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  }) as FakeTty;
  stream.isTTY = true;
  stream.columns = columns;
  stream.cursorTo = () => true;
  stream.clearLine = () => true;
  stream.moveCursor = () => true;
  return { stream, text: () => out };
}
