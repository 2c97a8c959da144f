// The issue-11 check at full size: a 75 MB flights-like CSV with one unquoted `x"y` field in
// data row 3, read at the default blocksize. Prints the rows readCSV returns beside the rows in
// the file (its line feeds less the header: no field in it is quoted, so each LF ends a record),
// and the mean-delay answer beside the generator's own. Before the fix it read 1,122,028 of
// 2,244,000 rows.
//
//   node bench/csv-stray-quote.mjs [--mb 75] [--blocksize 64MB]
import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCSV } from '@tsdask/dataframe';
import { closePool } from '@tsdask/scheduler-local';
import { generate } from './gen-flights-csv.mjs';
import { arg } from './cli.mjs';

const mb = Number(arg('mb', '75'));
const blocksize = arg('blocksize', undefined);
const root = join(dirname(fileURLToPath(import.meta.url)), '.data');
mkdirSync(root, { recursive: true });
const file = join(root, `flights-${mb}mb.csv`);
generate(file, mb * 1e6);

// One stray quote, written in place (same length) into data row 3's origin: ABC -> A"C.
const fd = openSync(file, 'r+');
const head = Buffer.alloc(4096);
readSync(fd, head, 0, head.length, 0);
let row = 0;
let at = -1;
for (let i = 0; i < head.length; i++) {
  if (head[i] === 10 && ++row === 3) {
    at = i + 1;
    break;
  }
}
const line = head.subarray(at, head.indexOf(10, at)).toString('latin1');
const fields = line.split(',');
const originAt = at + fields.slice(0, 3).join(',').length + 1;
writeSync(fd, Buffer.from('"'), 0, 1, originAt + 1);
closeSync(fd);

// Rows in the file: line feeds less the header.
let lf = 0;
const buf = Buffer.alloc(1 << 20);
const rfd = openSync(file, 'r');
for (let pos = 0, n; (n = readSync(rfd, buf, 0, buf.length, pos)) > 0; pos += n) {
  for (let i = 0; i < n; i++) if (buf[i] === 10) lf++;
}
closeSync(rfd);

const t = performance.now();
const df = readCSV(file, blocksize === undefined ? {} : { blocksize });
const rows = await df.len({ scheduler: 'threads' });
const secs = (performance.now() - t) / 1000;
console.log(`${file}: ${mb} MB, ${df.npartitions} ranges at ${blocksize ?? 'the default blocksize'}; stray quote in row 3 (${line.slice(0, 40)}...)`);
console.log(`rows read ${rows}, rows in the file ${lf - 1}: ${rows === lf - 1 ? 'all' : `MISSING ${lf - 1 - rows}`} (${secs.toFixed(2)} s)`);
await closePool();
if (rows !== lf - 1) process.exitCode = 1;
