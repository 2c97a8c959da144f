/**
 * A small WebAssembly emitter for the scanner's hand-written modules (delimiter-masks.ts,
 * csv-wasm-walk.ts): LEB128, the opcodes they use, a function body builder whose branches name
 * their target block (the relative depth is worked out here, so nesting changes cannot
 * misdirect a branch), and the module's sections. No toolchain: the modules are made at run
 * time, per thread, from a few hundred bytes.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const and i64.const; a bigint for i64 constants past 2^53). */
export function sleb(value: number | bigint): number[] {
  let n = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Opcodes without immediates, by name. */
export const OP = {
  select: 0x1b,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LeS: 0x4c,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i64Eqz: 0x50,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Xor: 0x73,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i64Ctz: 0x7a,
  i64Popcnt: 0x7b,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Shl: 0x86,
  f64Neg: 0x9a,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
  i64Xor: 0x85,
  i64ShrU: 0x88,
  i32LeU: 0x4d,
  f64ConvertI64S: 0xb9,
} as const;

/** Memory opcodes (each takes an alignment and an offset). */
export const MEM = {
  i32Load: [0x28, 2],
  i32Load8U: [0x2d, 0],
  i64Load: [0x29, 3],
  i32Store: [0x36, 2],
  f64Store: [0x39, 3],
  i32Store16: [0x3b, 1],
  v128Load: [0xfd, 0x00, 0],
} as const;

/** SIMD opcodes without immediates (after the 0xfd prefix; all below 128, so one byte). */
export const SIMD = { i8x16Splat: 0x0f, i8x16Eq: 0x23, v128Or: 0x50, i8x16Bitmask: 0x64 } as const;

/** A function body: locals by name, code, and named blocks for branches. */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly localTypes: number[] = [];
  private readonly names = new Map<string, number>();
  private readonly labels: string[] = [];

  /** params: their names and types, in order (locals 0..). */
  constructor(
    readonly params: [string, number][],
    readonly result: number | undefined,
  ) {
    params.forEach(([name], k) => this.names.set(name, k));
  }

  /** Declares a local (once per name). */
  local(name: string, type: number): this {
    this.names.set(name, this.params.length + this.localTypes.length);
    this.localTypes.push(type);
    return this;
  }

  private index(name: string): number {
    const k = this.names.get(name);
    if (k === undefined) throw new Error(`wasm emitter: no local ${name}`);
    return k;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  get(name: string): this {
    return this.op(0x20, ...uleb(this.index(name)));
  }
  set(name: string): this {
    return this.op(0x21, ...uleb(this.index(name)));
  }
  tee(name: string): this {
    return this.op(0x22, ...uleb(this.index(name)));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n | 0));
  }
  i64(n: number | bigint): this {
    return this.op(0x42, ...sleb(BigInt.asIntN(64, BigInt(n))));
  }
  f64(x: number): this {
    return this.op(0x44, ...new Uint8Array(Float64Array.of(x).buffer));
  }
  /** A load or store at the address on the stack plus `offset`. */
  mem(m: readonly number[], offset = 0): this {
    return this.op(...m, ...uleb(offset));
  }
  simd(op: number): this {
    return this.op(0xfd, op);
  }

  /** `block` (a forward branch target) or `loop` (a backward one), named for br. */
  block(label: string): this {
    this.labels.push(label);
    return this.op(0x02, 0x40);
  }
  loop(label: string): this {
    this.labels.push(label);
    return this.op(0x03, 0x40);
  }
  /** `if` on the i32 on the stack (with an optional `else_`), closed by `end`. */
  if_(label = ''): this {
    this.labels.push(label);
    return this.op(0x04, 0x40);
  }
  else_(): this {
    return this.op(0x05);
  }
  end(): this {
    this.labels.pop();
    return this.op(0x0b);
  }
  private depth(label: string): number {
    const k = this.labels.lastIndexOf(label);
    if (k < 0) throw new Error(`wasm emitter: no block ${label}`);
    return this.labels.length - 1 - k;
  }
  br(label: string): this {
    return this.op(0x0c, ...uleb(this.depth(label)));
  }
  brIf(label: string): this {
    return this.op(0x0d, ...uleb(this.depth(label)));
  }

  /** The body as the code section holds it (locals grouped by run of type). */
  body(): number[] {
    if (this.labels.length !== 0) throw new Error('wasm emitter: unclosed block');
    const groups: number[][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const inner = [...uleb(groups.length), ...groups.flat(), ...this.code, 0x0b];
    return [...uleb(inner.length), ...inner];
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * A module of one exported function `fnName`, with its memory either its own (`pages`, exported
 * as 'memory') or imported as m.memory (at least `pages`).
 */
export function moduleOf(fn: FnBuilder, fnName: string, memory: { pages: number; imported: boolean }): Uint8Array {
  const type = [0x60, ...uleb(fn.params.length), ...fn.params.map(([, t]) => t), ...(fn.result === undefined ? [0] : [1, fn.result])];
  const limits = [0x00, ...uleb(memory.pages)];
  const exports = memory.imported ? [1, ...name(fnName), 0, 0] : [2, ...name('memory'), 2, 0, ...name(fnName), 0, 0];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, ...type]),
    ...(memory.imported ? section(2, [1, ...name('m'), ...name('memory'), 0x02, ...limits]) : []),
    ...section(3, [1, 0]),
    ...(memory.imported ? [] : section(5, [1, ...limits])),
    ...section(7, exports),
    ...section(10, [1, ...fn.body()]),
  ]);
}

/** The part of the WebAssembly API used here (the package's lib has no wasm types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** WebAssembly, where this runtime has it. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}
