import { describe, expect, it } from 'vitest';
import { lowerGraph, order, ref, task, type Key } from '@tsdask/core-graph';
import { survivesJson } from '@tsdask/runtime';
import { planBatches } from '@tsdask/scheduler-local';
import { JsonBytes } from '../src/json-bytes.js';
import { PayloadBuilder } from '../src/batch-payload.js';

const text = (w: JsonBytes): string => new TextDecoder().decode(w.buf.subarray(0, w.pos));
const fresh = (): JsonBytes => new JsonBytes(new Uint8Array(new SharedArrayBuffer(4)));

/** A seeded random value: strings with escapes, non-ASCII and surrogates, numbers of every kind, nesting. */
function randomValue(rnd: () => number, depth = 0): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.35) {
    const units = [0x22, 0x5c, 0x0a, 0x01, 0x1f, 0x7f, 0x41, 0xe9, 0x3b1, 0x20ac, 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xffff];
    if (r < 0.15) return Array.from({ length: Math.floor(rnd() * 8) }, () => String.fromCharCode(units[Math.floor(rnd() * units.length)]!)).join('');
    const nums = [0, 7, 1e21, 2 ** 31, 2 ** 31 - 1, -3, 0.1, 1 / 3, -1e-7, 5e-324, Number.MAX_SAFE_INTEGER, 123456789];
    if (r < 0.3) return nums[Math.floor(rnd() * nums.length)];
    return [true, false, null][Math.floor(rnd() * 3)];
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < rnd() * 4; i++) o[String(randomValue(() => rnd() * 0.15))] = randomValue(rnd, depth + 1);
  return o;
}

/** [1, <hole>, 2]. */
function holey(): unknown[] {
  const a = [1];
  a[2] = 2;
  return a;
}

describe('JsonBytes', () => {
  it('writes what JSON.stringify writes, as UTF-8, for seeded random values', () => {
    let s = 99;
    const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i++) {
      const x = randomValue(rnd);
      const w = fresh();
      expect(w.value(x)).toBe(true);
      expect(text(w)).toBe(JSON.stringify(x));
    }
  });

  it('escapes lone surrogates and control characters as JSON.stringify does', () => {
    for (const str of ['\ud800', 'a\udc00b', '\ud83d\ude00', '\u0000\u0008\u000c\u001f', '"\\/', '\u2028\u2029']) {
      const w = fresh();
      w.string(str);
      expect(text(w)).toBe(JSON.stringify(str));
      expect(JSON.parse(text(w))).toBe(str);
    }
  });

  it('refuses exactly what does not survive a JSON round trip', () => {
    class Point {
      x = 1;
    }
    const deep: unknown[] = [];
    let at = deep;
    for (let i = 0; i < 300; i++) at.push((at = []));
    const cases: unknown[] = [
      undefined,
      NaN,
      Infinity,
      -0,
      1n,
      Symbol('s'),
      () => 1,
      new Point(),
      holey(),
      { a: undefined },
      new Map(),
      deep,
      { a: [1, { b: 2 }] },
      Object.create(null),
    ];
    for (const x of cases) expect(fresh().value(x)).toBe(survivesJson(x));
  });
});

describe('PayloadBuilder', () => {
  it('sends a batch that is not flat as JSON bytes on a shared buffer, reused once the batch is released', () => {
    const entries: [Key, unknown][] = [];
    // An array argument makes a task not flat (flat ones go as codes: flat-codes.test.ts).
    for (let i = 0; i < 8; i++) entries.push([`leaf,${i}`, task('m#inc', [i, 'é"\n'])]);
    for (let i = 0; i < 7; i++)
      entries.push([
        `sum,${i}`,
        task('m#add', ref(i < 4 ? `leaf,${2 * i}` : `sum,${2 * (i - 4)}`), ref(i < 4 ? `leaf,${2 * i + 1}` : `sum,${2 * (i - 4) + 1}`), [i]),
      ]);
    const g = lowerGraph(entries);
    const isOut = new Uint8Array(g.size);
    isOut[g.index.get('sum,6')!] = 1;
    const plan = planBatches(g, order(g, ['sum,6']), isOut, 4);
    const builder = new PayloadBuilder(g, plan);
    const seen = new Set<ArrayBufferLike>();
    for (let b = 0; b < plan.count; b++) {
      const p = builder.build(b, [], true);
      // The reference: the members' keys and nodes by a plain loop, through JSON.stringify.
      const keys: string[] = [];
      const nodes: unknown[] = [];
      for (let m = plan.memPtr[b]!; m < plan.memPtr[b + 1]!; m++) {
        keys.push(g.keys[plan.memIdx[m]!]!);
        nodes.push(g.nodes[plan.memIdx[m]!]);
      }
      expect(p.flat).toBeUndefined();
      expect(p.jsonBytes?.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(new TextDecoder().decode(p.jsonBytes)).toBe(JSON.stringify([keys, nodes]));
      expect(p.keys).toEqual([]);
      seen.add(p.jsonBytes!.buffer);
      builder.release(p);
    }
    // One batch at a time in flight: one shared buffer served them all.
    expect(seen.size).toBe(1);
  });

  it("lists each batch's ops, nested and quoted ones too", () => {
    const nested = { op: 'm#outer', args: [{ op: 'm#inner', args: [ref('a')] }, [{ op: 'm#inlist', args: [] }]] };
    const quoted = { op: '@tsdask/core-graph/ops#quote', args: [{ op: 'm#data', args: [] }] };
    const g = lowerGraph([
      ['a', task('m#f', 1, { plain: true })],
      ['b', nested],
      ['c', quoted],
    ]);
    const plan = planBatches(g, order(g, ['b', 'c']), Uint8Array.of(0, 1, 1), 1);
    const builder = new PayloadBuilder(g, plan);
    // The reference: the ops worked out by hand from the nodes above.
    const byRoot = new Map([
      ['a', ['m#f']],
      ['b', ['m#outer', 'm#inner', 'm#inlist']],
      ['c', ['@tsdask/core-graph/ops#quote']],
    ]);
    for (let b = 0; b < plan.count; b++) expect(builder.build(b, [], true).ops.sort()).toEqual(byRoot.get(g.keys[plan.root[b]!]!)!.sort());
    expect([...builder.ops].sort()).toEqual(['@tsdask/core-graph/ops#quote', 'm#f', 'm#inlist', 'm#inner', 'm#outer']);
  });

  it('sends nodes that do not survive JSON as they are', () => {
    const g = lowerGraph([['a', task('m#f', [1n])]]);
    const plan = planBatches(g, order(g, ['a']), Uint8Array.of(1), 4);
    const p = new PayloadBuilder(g, plan).build(0, [], true);
    expect(p.jsonBytes).toBeUndefined();
    expect(p.flat).toBeUndefined();
    expect(p.nodes).toEqual([g.nodes[0]]);
    expect(p.ops).toEqual(['m#f']);
  });
});
