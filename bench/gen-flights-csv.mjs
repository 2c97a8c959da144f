// Generates a flights-like CSV (date,delay,distance,origin,destination) of about `bytes`
// bytes, deterministically (seeded), and writes beside it `<file>.expected.json`: the mean
// delay per origin, accumulated while generating (the independent reference for the query).
//
//   node bench/gen-flights-csv.mjs <file> <bytes>
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

/** Codes of `n` airports: AAA, AAB, ... (3 letters). */
export function airports(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(String.fromCharCode(65 + (((i / 676) | 0) % 26), 65 + (((i / 26) | 0) % 26), 65 + (i % 26)));
  return out;
}

/** Writes the file unless it (and its expected answer) already exist; returns the answer. */
export function generate(file, bytes, { nAirports = 300, seed = 42 } = {}) {
  const expectedFile = `${file}.expected.json`;
  if (existsSync(file) && existsSync(expectedFile)) return JSON.parse(readFileSync(expectedFile, 'utf8'));
  const codes = airports(nAirports);
  const sum = new Float64Array(nAirports);
  const count = new Float64Array(nAirports);
  let s = seed >>> 0;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const tmp = `${file}.part`;
  const fd = openSync(tmp, 'w');
  const chunk = Buffer.alloc(4 << 20);
  let used = chunk.write('date,delay,distance,origin,destination\n', 0, 'latin1');
  let written = 0;
  while (written + used < bytes) {
    let line = '';
    for (let r = 0; r < 2000; r++) {
      const o = rnd() % nAirports;
      const d = ((rnd() % nAirports) + o + 1) % nAirports;
      const delay = (rnd() % 321) - 20;
      const day = 1 + (rnd() % 28);
      const hour = rnd() % 24;
      const min = rnd() % 60;
      sum[o] += delay;
      count[o] += 1;
      line += `2001/01/${day < 10 ? '0' : ''}${day} ${hour < 10 ? '0' : ''}${hour}:${min < 10 ? '0' : ''}${min},${delay},${100 + (rnd() % 4900)},${codes[o]},${codes[d]}\n`;
    }
    if (used + line.length > chunk.length) {
      writeSync(fd, chunk, 0, used);
      written += used;
      used = 0;
    }
    used += chunk.write(line, used, 'latin1');
  }
  writeSync(fd, chunk, 0, used);
  closeSync(fd);
  renameSync(tmp, file);
  const expected = {};
  codes.forEach((c, i) => {
    if (count[i] > 0) expected[c] = { mean: sum[i] / count[i], count: count[i] };
  });
  writeFileSync(expectedFile, JSON.stringify(expected));
  return expected;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, bytes] = process.argv.slice(2);
  const t = performance.now();
  generate(file, Number(bytes));
  console.log(`${file}: ${(Number(bytes) / 1e9).toFixed(2)} GB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
