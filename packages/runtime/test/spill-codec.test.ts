/**
 * The spill codec against structured clone (V8's own, the independent reference for what a
 * result may hold): same values, same identities (cycles, shared objects, views over one
 * buffer), any depth, parts under the limits, and a typed refusal of what it cannot write.
 */
import { describe, expect, it } from 'vitest';
import { SpillError } from '../src/errors.js';
import { encodeValue, SpillEncoder } from '../src/codec/codec.js';
import { decodeValue } from '../src/codec/codec-read.js';

const roundTrip = <T>(v: T, limits?: { chunk?: number; rawPart?: number }): T => decodeValue(Buffer.concat(encodeValue(v, limits))) as T;

describe('spill codec', () => {
  it('keeps cycles and shared objects as structured clone does', () => {
    const shared = { n: 1 };
    const a: Record<string, unknown> = { shared, again: shared, list: [shared] };
    a['self'] = a;
    (a['list'] as unknown[]).push(a);
    const m = new Map<unknown, unknown>([[a, shared]]);
    a['map'] = m;
    const ref = structuredClone(a);
    const back = roundTrip(a);
    expect(back).toEqual(ref);
    expect(back['self']).toBe(back);
    expect(back['again']).toBe(back['shared']);
    expect((back['list'] as unknown[])[0]).toBe(back['shared']);
    expect((back['list'] as unknown[])[1]).toBe(back);
    const bm = back['map'] as Map<unknown, unknown>;
    expect(bm.get(back)).toBe(back['shared']);
    // The reference agrees on every identity checked above.
    expect(ref['self']).toBe(ref);
    expect(ref['again']).toBe(ref['shared']);
  });

  it('brings views over one buffer back over one buffer, at the same offsets (shared or not)', () => {
    for (const buf of [new ArrayBuffer(64), new SharedArrayBuffer(64)]) {
      const f = new Float64Array(buf, 8, 2);
      const u = new Uint8Array(buf, 16, 8);
      const d = new DataView(buf, 4, 4);
      f.set([1.5, -2.25]);
      const v = { f, u, d, again: f, buf };
      const back = roundTrip(v);
      expect(back.f.buffer).toBe(back.u.buffer);
      expect(back.d.buffer).toBe(back.f.buffer);
      expect(back.buf).toBe(back.f.buffer);
      expect(back.again).toBe(back.f);
      expect(back.f.buffer instanceof SharedArrayBuffer).toBe(buf instanceof SharedArrayBuffer);
      expect([back.f.byteOffset, back.u.byteOffset, back.d.byteOffset]).toEqual([8, 16, 4]);
      expect(Array.from(back.f)).toEqual([1.5, -2.25]);
      expect(Array.from(back.u)).toEqual(Array.from(u));
      // Aliasing: a write through one view is seen through the other, as in the original.
      back.f[1] = 0;
      expect(Array.from(back.u)).toEqual(new Array(8).fill(0));
    }
  });

  it('writes a small slice of a big buffer as its window only, views still aliased', () => {
    const big = new Float64Array(1 << 17); // 1 MiB
    const a = big.subarray(100, 110).fill(3);
    const b = new Uint8Array(big.buffer, 100 * 8 + 8, 8); // inside a's second element
    const bytes = encodeValue({ a, b }).reduce((s, p) => s + p.byteLength, 0);
    expect(bytes).toBeLessThan(1000);
    const back = roundTrip({ a, b });
    expect(Array.from(back.a)).toEqual(new Array(10).fill(3));
    expect(back.b.buffer).toBe(back.a.buffer);
    expect(back.b.byteOffset - back.a.byteOffset).toBe(8);
    back.b.fill(0);
    expect(back.a[1]).toBe(0);
  });

  it('round-trips every kind of value structured clone copies', () => {
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { x: 1 });
    const protoKey = JSON.parse('{"__proto__": {"y": 2}}') as Record<string, unknown>;
    // eslint-disable-next-line no-sparse-arrays
    const holes = [1, , 3];
    const v = {
      nums: [0, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 53],
      big: [0n, -5n, 12345678901234567890123n, -(2n ** 100n)],
      strs: ['', 'ascii', 'héllo wörld', '日本語', '😀', 'lone \ud800 surrogate', 'x'.repeat(70_000)],
      misc: [null, undefined, true, false, new Date(12345), /a+b/gi, new Set([1, 'a']), new Map([['k', [1, 2]]])],
      boxed: [Object(1.5), Object('s'), Object(false), Object(7n)],
      typed: [
        Int8Array.of(-1),
        Uint8ClampedArray.of(255),
        Int16Array.of(-3),
        Uint16Array.of(3),
        Int32Array.of(-7),
        Uint32Array.of(7),
        Float32Array.of(0.5),
        BigInt64Array.of(-1n),
        BigUint64Array.of(2n ** 64n - 1n),
      ],
      holes,
      nullProto,
      protoKey,
    };
    const back = roundTrip(v, { chunk: 64 });
    expect(back).toEqual(structuredClone(v));
    expect(Object.is(back.nums[1], -0)).toBe(true);
    expect(1 in back.holes).toBe(false);
    expect(back.holes.length).toBe(3);
    expect(Object.getPrototypeOf(back.nullProto)).toBe(null);
    expect(Object.keys(back.protoKey)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back.protoKey)).toBe(Object.prototype);
    expect(back.strs[5]).toBe('lone \ud800 surrogate');
    const buf = roundTrip(Buffer.from('bytes'));
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect(buf.toString()).toBe('bytes');
  });

  it('encodes and decodes any depth without recursion', () => {
    const depth = 100_000;
    const root: { next?: unknown; i: number } = { i: 0 };
    let at = root;
    for (let i = 1; i < depth; i++) {
      const n = { i };
      at.next = [n];
      at = n;
    }
    const back = roundTrip(root);
    let count = 0;
    let wrong = 0;
    let x: { next?: unknown; i: number } | undefined = back;
    while (x !== undefined) {
      if (x.i !== count++) wrong++;
      x = (x.next as (typeof x)[] | undefined)?.[0];
    }
    expect(count).toBe(depth);
    expect(wrong).toBe(0);
  });

  it('never emits a part over the limits, strings and buffers included', () => {
    const v = { s: 'é'.repeat(500), f: Float64Array.from({ length: 1000 }, (_, i) => i), list: Array.from({ length: 300 }, (_, i) => `k${i}`) };
    const enc = new SpillEncoder(v, { chunk: 64, rawPart: 100 });
    const parts = [...enc.parts()];
    const raw = parts.slice(-80); // 8000 bytes of data in parts of 100
    for (const p of raw) expect(p.byteLength).toBeLessThanOrEqual(100);
    for (const p of parts.slice(0, -80)) expect(p.byteLength).toBeLessThanOrEqual(64);
    parts[0] = enc.header();
    expect(decodeValue(Buffer.concat(parts))).toEqual(v);
  });

  it('refuses a function, a symbol or an unknown class instance with a SpillError naming where', () => {
    class Tree {
      leaf = 1;
    }
    const cases: [unknown, string, RegExp][] = [
      [{ a: [1, { f: () => 1 }] }, 'value.a[1].f', /a function/],
      [{ s: Symbol('x') }, 'value.s', /a symbol/],
      [new Map([['k', new Tree()]]), 'value.get("k")', /an instance of Tree/],
      [[new WeakMap()], 'value[0]', /an instance of WeakMap/],
    ];
    for (const [value, path, what] of cases) {
      let err: unknown;
      try {
        encodeValue(value);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpillError);
      expect((err as SpillError).code).toBe('TSDASK_SPILL_UNENCODABLE');
      expect((err as SpillError).path).toBe(path);
      expect((err as SpillError).message).toMatch(what);
      expect((err as SpillError).message).toContain('stays in memory');
    }
  });
});
