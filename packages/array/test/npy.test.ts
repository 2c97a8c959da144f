import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compute } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { build, SCHEDULERS } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-npy-'));

/** A .npy file built by hand (format 1.0): magic, header length, dict padded to 64 bytes, data. */
function handNpy(descr: string, shape: string, data: Uint8Array): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict += ' '.repeat(total - 10 - dict.length - 1) + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 78, 85, 77, 80, 89, 1, 0, dict.length & 255, dict.length >> 8]);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out.set(data, total);
  return out;
}

describe.each(SCHEDULERS)('npy on %s', (scheduler) => {
  it('toNpy writes exactly the bytes of the format, block by block', async () => {
    const vals = build([5, 3], (i) => i * 1.5 - 2) as number[][];
    const x = da.fromArray(vals, { chunks: [2, 2] });
    const path = join(dir, `w-${scheduler}.npy`);
    expect(await da.toNpy(x, path, { scheduler })).toEqual([path]);
    const want = handNpy('<f8', '(5, 3)', new Uint8Array(Float64Array.from(vals.flat()).buffer));
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(want))).toBe(true);
  });

  it('toNpy with compute: false writes nothing until computed, and two writers run in one compute', async () => {
    const a = build([4, 3], (i) => i - 5) as number[][];
    const b = build([7], (i) => i * 0.25) as number[];
    const pa = join(dir, `lazy-a-${scheduler}.npy`);
    const pb = join(dir, `lazy-b-${scheduler}.npy`);
    const wa = da.toNpy(da.fromArray(a, { chunks: [3, 2] }), pa, { compute: false });
    const wb = da.fromArray(b, { chunks: 3 }).toNpy(pb, { compute: false });
    expect(existsSync(pa) || existsSync(pb)).toBe(false);
    expect(await compute(wa, wb, { scheduler })).toEqual([[pa], [pb]]);
    expect(Buffer.from(readFileSync(pa)).equals(Buffer.from(handNpy('<f8', '(4, 3)', new Uint8Array(Float64Array.from(a.flat()).buffer))))).toBe(true);
    expect(((await da.fromNpy(pb).compute({ scheduler })) as da.NDArray).toArray()).toEqual(b);
  });

  it('fromNpy reads any block layout lazily, 1-d and 3-d, ints and bools', async () => {
    const p1 = join(dir, `r1-${scheduler}.npy`);
    writeFileSync(p1, handNpy('<i4', '(7,)', new Uint8Array(Int32Array.from([5, -1, 2, 8, 0, -9, 3]).buffer)));
    const p3 = join(dir, `r3-${scheduler}.npy`);
    const v3 = Int16Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 10);
    writeFileSync(p3, handNpy('<i2', '(2, 3, 4)', new Uint8Array(v3.buffer)));
    const pb = join(dir, `rb-${scheduler}.npy`);
    writeFileSync(pb, handNpy('|b1', '(4,)', Uint8Array.from([1, 0, 0, 1])));
    const a = da.fromNpy(p1, { chunks: 3 });
    const b = da.fromNpy(p3, { chunks: [1, 2, 3] });
    const c = da.fromNpy(pb);
    expect([a.dtype, b.dtype, c.dtype]).toEqual(['int32', 'int16', 'bool']);
    expect(((await a.compute({ scheduler })) as da.NDArray).toArray()).toEqual([5, -1, 2, 8, 0, -9, 3]);
    expect(((await b.compute({ scheduler })) as da.NDArray).toArray()).toEqual(build([2, 3, 4], (i) => i - 10));
    expect(((await b.slice(1, { start: 1 }, -1).compute({ scheduler })) as da.NDArray).toArray()).toEqual([9, 13]);
    expect(((await c.compute({ scheduler })) as da.NDArray).toArray()).toEqual([true, false, false, true]);
  });
});

describe('npy errors', () => {
  it('rejects non-npy files and Fortran order with an InputError naming the file', () => {
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, 'hello');
    expect(() => da.fromNpy(bad)).toThrow(da.InputError);
    const f = join(dir, 'fortran.npy');
    writeFileSync(f, handNpy('<f8', '(2, 2)', new Uint8Array(32)));
    const text = readFileSync(f, 'latin1').replace('False', 'True ');
    writeFileSync(f, Buffer.from(text, 'latin1'));
    expect(() => da.fromNpy(f)).toThrow(/fortran\.npy: Fortran-ordered/);
  });
});
