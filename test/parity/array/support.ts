/**
 * The array parity harness: reads reference.json (NumPy's answers, written by gen_array.py),
 * builds the inputs from the same bytes, and runs one `it` per case of an area, comparing our
 * result with NumPy's: shape and dtype exactly, integers and booleans exactly, floats within a
 * tolerance for their width, and Dask's chunk layout where the case records one. A case that
 * NumPy refuses must fail with one of our typed errors that corresponds to NumPy's exception.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as da from '@tsdask/array';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

/** An encoded array: NumPy's dtype name, shape and flat C-order values. */
interface Encoded {
  dtype: string;
  shape: number[];
  values: (number | string | boolean)[];
}

interface RefCase {
  dask: string;
  result?: Encoded;
  error?: string;
  chunks?: number[][];
  note?: string;
  numpy124?: { dtype: string };
}

interface Reference {
  numpy: string;
  inputs: Record<string, Encoded>;
  cases: Record<string, RefCase>;
}

/** The scheduler the cases run on: 'sync' unless TSDASK_PARITY_SCHEDULER says 'threads'. */
const SCHEDULER = process.env.TSDASK_PARITY_SCHEDULER === 'threads' ? 'threads' : 'sync';

export const REF: Reference = JSON.parse(readFileSync(new URL('./reference.json', import.meta.url), 'utf8')) as Reference;

/** One case: how to build it with our API, and (one line each) why we differ on purpose. */
export interface Case {
  build: () => da.DaskArray;
  /** Our answer differs from NumPy's on purpose: the values are not compared; say why. */
  differs?: string;
  /** For a case NumPy refuses: the names of our error classes that answer it, when not ERRORS's. */
  errors?: readonly string[];
  /** Where Dask refuses the operation: these typed errors are accepted instead of NumPy's answer. */
  orError?: readonly string[];
}

export type Builder = Case | (() => da.DaskArray);

const CTORS: Record<string, new (n: number) => ArrayLike<number | bigint>> = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

function decodeFloat(v: number | string | boolean): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** Input `name` of reference.json as a chunked array of the same dtype and bytes. */
export function input(name: string, chunks: da.ChunksLike): da.DaskArray {
  const e = REF.inputs[name];
  if (e === undefined) throw new Error(`reference.json has no input '${name}'`);
  const Ctor = CTORS[e.dtype];
  if (Ctor === undefined) throw new Error(`input '${name}': dtype ${e.dtype} has no TypedArray here`);
  const data = new Ctor(e.values.length) as unknown as (number | bigint)[];
  e.values.forEach((v, i) => {
    data[i] = e.dtype === 'int64' ? BigInt(v as number | string) : e.dtype === 'bool' ? (v ? 1 : 0) : decodeFloat(v);
  });
  return da.fromArray(data as unknown as da.TypedArray, { shape: e.shape, chunks, dtype: e.dtype as da.DType });
}

/** Which of our error classes answer which NumPy exception (AxisError is a ValueError in NumPy). */
const ERRORS: Record<string, readonly string[]> = {
  AxisError: ['AxisError'],
  IndexError: ['IndexError'],
  ValueError: ['ShapeError', 'EmptyReductionError', 'BroadcastError', 'ChunksError', 'AxisError', 'UnknownChunksError'],
  TypeError: ['DTypeError'],
  ZeroDivisionError: ['ShapeError'],
  OverflowError: ['OverflowError', 'DTypeError'],
};

function errorChain(e: unknown): { name: string; code?: unknown; message: string }[] {
  const out: { name: string; code?: unknown; message: string }[] = [];
  for (let cur = e, n = 0; cur instanceof Error && n < 8; cur = cur.cause, n++)
    out.push({ name: cur.name, code: (cur as { code?: unknown }).code, message: cur.message });
  return out;
}

type Got = { dtype: string; shape: number[]; values: ArrayLike<number | bigint> | (number | bigint | boolean)[] };

function resultOf(arr: da.DaskArray, value: da.ArrayResult): Got {
  if (value instanceof da.NDArray) return { dtype: value.dtype, shape: [...value.shape], values: value.data as ArrayLike<number | bigint> };
  return { dtype: arr.dtype, shape: [], values: [value as number | bigint | boolean] };
}

function tolerance(dtype: string): { rtol: number; atol: number } {
  return dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-11, atol: 1e-12 };
}

/** Mismatches between our values and NumPy's (empty when they agree). */
function compareValues(got: Got, want: Encoded): string[] {
  const bad: string[] = [];
  const n = want.values.length;
  if (got.values.length !== n) return [`${got.values.length} values, NumPy has ${n}`];
  const kind = want.dtype === 'bool' ? 'b' : want.dtype.startsWith('float') ? 'f' : 'i';
  const { rtol, atol } = tolerance(want.dtype === got.dtype ? want.dtype : 'float32');
  for (let i = 0; i < n && bad.length < 5; i++) {
    const g = got.values[i] as number | bigint | boolean;
    const w = want.values[i] as number | string | boolean;
    let ok: boolean;
    if (kind === 'b') ok = (typeof g === 'boolean' ? g : Number(g) !== 0) === w;
    else if (kind === 'i' && typeof g !== 'number') ok = BigInt(g) === BigInt(w as number | string);
    else if (kind === 'i' && Number.isInteger(g)) ok = BigInt(g) === BigInt(w as number | string);
    else {
      const x = Number(g);
      const y = decodeFloat(w);
      ok = (Number.isNaN(x) && Number.isNaN(y)) || x === y || (Number.isFinite(y) && Math.abs(x - y) <= atol + rtol * Math.abs(y));
    }
    if (!ok) bad.push(`[${i}] ours ${String(g)}, NumPy ${String(w)}`);
  }
  return bad;
}

async function runCase(id: string, ref: RefCase, builder: Builder | undefined): Promise<void> {
  if (builder === undefined) throw new Error(`no builder for case '${id}' in the test file`);
  const c: Case = typeof builder === 'function' ? { build: builder } : builder;
  if (ref.error !== undefined) {
    const accepted = c.errors ?? ERRORS[ref.error] ?? [];
    let thrown: unknown;
    try {
      const arr = c.build();
      await arr.compute({ scheduler: SCHEDULER });
    } catch (e) {
      thrown = e;
    }
    if (thrown === undefined) throw new Error(`NumPy raises ${ref.error}; ours gave an answer`);
    const chain = errorChain(thrown);
    const hit = chain.find((e) => accepted.includes(e.name));
    if (hit === undefined)
      throw new Error(
        `NumPy raises ${ref.error} (ours should be one of ${accepted.join(', ')}); ours threw ${chain.map((e) => `${e.name}: ${e.message}`).join(' <- ')}`,
      );
    expect(String(hit.code)).toMatch(/^TSDASK_/);
    return;
  }
  const want = ref.result as Encoded;
  let arr: da.DaskArray;
  let value: da.ArrayResult;
  try {
    arr = c.build();
    value = await arr.compute({ scheduler: SCHEDULER });
  } catch (e) {
    const hit = errorChain(e).find((x) => c.orError?.includes(x.name) && String(x.code).startsWith('TSDASK_'));
    if (hit !== undefined) return; // refused with a typed error, as Dask does
    throw e;
  }
  const got = resultOf(arr, value);
  const problems: string[] = [];
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) problems.push(`shape (${got.shape.join(', ')}), NumPy (${want.shape.join(', ')})`);
  if (got.dtype !== want.dtype) problems.push(`dtype ${got.dtype}, NumPy ${want.dtype}`);
  if (problems.length === 0 && c.differs === undefined) problems.push(...compareValues(got, want));
  if (ref.chunks !== undefined && JSON.stringify(arr.chunks) !== JSON.stringify(ref.chunks)) {
    problems.push(`chunks ${JSON.stringify(arr.chunks)}, Dask ${JSON.stringify(ref.chunks)}`);
  }
  if (problems.length > 0) throw new Error(`${id}: ${problems.join('; ')}`);
}

/**
 * Registers one `it` per case of `area` in reference.json. Cases listed in `awaitingFix` are
 * `it.fails` (they wait for a fix on another branch); a builder with no case is an error.
 */
export function parityArea(area: string, builders: Record<string, Builder>, awaitingFix: ReadonlySet<string>): void {
  const ids = Object.keys(REF.cases).filter((id) => id.startsWith(`${area}.`));
  for (const id of [...Object.keys(builders), ...awaitingFix]) {
    if (!ids.includes(id)) throw new Error(`${id} is not a case of reference.json (regenerate it with gen_array.py?)`);
  }
  describe(`array parity: ${area} (${ids.length} cases, ${awaitingFix.size} awaiting a fix)`, () => {
    for (const id of ids) {
      const ref = REF.cases[id] as RefCase;
      const title = `${id} <- ${ref.dask}${ref.note !== undefined ? ` [${ref.note}]` : ''}`;
      (awaitingFix.has(id) ? it.fails : it)(title, () => runCase(id, ref, builders[id]));
    }
  });
}
