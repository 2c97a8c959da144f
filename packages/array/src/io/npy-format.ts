/**
 * The NumPy .npy format (versions 1.0 and 2.0): header parsing and writing, and the map between
 * NumPy's type strings and tsdask dtypes. Little-endian, C order only.
 */
import type { DType } from '../dtype.js';

const DESCR: Record<DType, string> = {
  float64: '<f8',
  float32: '<f4',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  int64: '<i8',
  bool: '|b1',
};

/** What a .npy header says. */
export interface NpyHeader {
  dtype: DType;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

/** The bytes of a .npy header for an array of `shape` and `dtype` (data aligned to 64 bytes). */
export function npyHeader(shape: readonly number[], dtype: DType): Uint8Array {
  const shp = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shp}, }`;
  const v2 = dict.length + 12 > 65535;
  const pre = v2 ? 12 : 10;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, v2 ? 2 : 1, 0]);
  const dv = new DataView(out.buffer);
  if (v2) dv.setUint32(8, dict.length, true);
  else dv.setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  return out;
}

/** Parses the first bytes of a .npy file; throws a message naming what is unsupported. */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file (bad magic string).');
  const major = bytes[6] as number;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pre = major === 1 ? 10 : 12;
  const len = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (bytes.length < pre + len) throw new Error('truncated .npy header.');
  const text = String.fromCharCode(...bytes.subarray(pre, pre + len));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`unreadable .npy header: ${text.trim()}`);
  if (fortran === 'True') throw new Error('Fortran-ordered .npy files are not supported; save with C order.');
  const dtype = (Object.keys(DESCR) as DType[]).find((d) => DESCR[d] === descr || DESCR[d].replace('<', '|') === descr.replace('<', '|'));
  if (dtype === undefined) throw new Error(`.npy type '${descr}' is not supported (little-endian numbers and bool only).`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  return { dtype, shape, offset: pre + len };
}

/** A .npy file's size and modification time when a read was planned; a block read checks them again. */
export interface NpyStamp {
  size: number;
  mtime: number;
}
