/**
 * Flat batches (flat-codes.ts, the runtime's flat-batch.ts): batches of flat tasks go to the
 * workers as int32 codes with no keys. The codes decoded by the format's own rules give back
 * every member's node; batches with a member that is not flat go as before; and on 'threads'
 * results, literals, shared results and errors in the middle of a batch are what a plain loop
 * in this thread gives.
 */
import { describe, expect, it } from 'vitest';
import { computeGraph, lowerGraph, op, order, quote, ref, resolveScheduler, task, TaskError, type Key, type Node, type TaskGraph } from '@tsdask/core-graph';
import { planBatches } from '@tsdask/scheduler-local';
import { PayloadBuilder } from '../src/batch-payload.js';
// @ts-expect-error a plain JS fixture without types
import * as fixtures from './fixtures/ops.mjs';

const FIXTURES = new URL('./fixtures/ops.mjs', import.meta.url).href;
const fx = fixtures as Record<string, (...a: unknown[]) => unknown>;

/** Literals of every kind: inline integers at and past the limits, -0, NaN, strings, bigint. */
const LITERALS: unknown[] = [
  0,
  -0,
  1,
  -1,
  2 ** 29 - 1,
  2 ** 29,
  -(2 ** 29),
  -(2 ** 29) - 1,
  0.5,
  NaN,
  Infinity,
  2 ** 40,
  'text',
  '',
  true,
  false,
  null,
  undefined,
  1n,
];

function planOf(g: TaskGraph, outputs: Key[], maxSize: number) {
  const isOut = new Uint8Array(g.size);
  for (const k of outputs) isOut[g.index.get(k)!] = 1;
  return planBatches(g, order(g, outputs), isOut, maxSize);
}

/** The members' nodes back from codes, by the format's rules (flat-batch.ts), refs named by `slotKey`. */
function decode(codes: Int32Array, ops: string[], literals: unknown[], slotKey: (slot: number) => Key): Node[] {
  const out: Node[] = [];
  let pos = 1;
  for (let j = 0; j < codes[0]!; j++) {
    const o = ops[codes[pos]!]!;
    const n = codes[pos + 1]!;
    pos += 2;
    const args: unknown[] = [];
    for (let a = 0; a < n; a++) {
      const c = codes[pos++]!;
      args.push((c & 3) === 0 ? ref(slotKey(c >> 2)) : (c & 3) === 1 ? c >> 2 : literals[c >> 2]);
    }
    out.push({ op: o, args });
  }
  return out;
}

/** lit,i per literal, 40 leaves, a task reading one twice, one reading against its deps' order, a fan-in of 40, a root. */
function flatGraph(): TaskGraph {
  const entries: [Key, Node][] = LITERALS.map((v, i) => [`lit,${i}`, task('m#f', v, i)]);
  for (let i = 0; i < 40; i++) entries.push([`leaf,${i}`, task('m#f', i)]);
  entries.push(['dup', task('m#g', ref('lit,0'), ref('lit,0'), ref('lit,1'))]);
  entries.push(['swap', task('m#g', ref('lit,2'), ref('lit,1'), ref('lit,2'), ...LITERALS.slice(3).map((_, i) => ref(`lit,${i + 3}`)))]);
  entries.push(['fan', task('m#h', ...Array.from({ length: 40 }, (_, i) => ref(`leaf,${39 - i}`)), ref('leaf,7'))]);
  entries.push(['root', task('m#g', ref('dup'), ref('swap'), ref('fan'))]);
  return lowerGraph(entries);
}

describe('PayloadBuilder, flat codes', () => {
  it('codes every member of flat batches so that decoding gives back its node, with no key sent', () => {
    const g = flatGraph();
    const plan = planOf(g, ['root'], 8);
    const builder = new PayloadBuilder(g, plan);
    const seen = new Set<ArrayBufferLike>();
    let members = 0;
    for (let b = 0; b < plan.count; b++) {
      const p = builder.build(b, [], true);
      expect(p.flat?.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(p.keys).toEqual([]);
      expect(p.jsonBytes).toBeUndefined();
      // The reference: members' and inputs' keys in slot order, by a plain loop over the plan.
      const slots: Key[] = [];
      for (let m = plan.memPtr[b]!; m < plan.memPtr[b + 1]!; m++) slots.push(g.keys[plan.memIdx[m]!]!);
      const nodes = slots.map((k) => g.nodes[g.index.get(k)!]);
      for (let e = plan.inPtr[b]!; e < plan.inPtr[b + 1]!; e++) slots.push(g.keys[plan.inIdx[e]!]!);
      const back = decode(p.flat!, p.ops, p.literals!, (s) => slots[s]!);
      expect(back).toEqual(nodes);
      for (let j = 0; j < nodes.length; j++) {
        const want = (nodes[j] as { args: unknown[] }).args;
        const got = (back[j] as { args: unknown[] }).args;
        for (let a = 0; a < want.length; a++) expect(Object.is(got[a], want[a]) || typeof want[a] === 'object').toBe(true);
      }
      members += nodes.length;
      seen.add(p.flat!.buffer);
      builder.release(p);
    }
    expect(members).toBe(g.size);
    // One batch at a time in flight: one shared buffer served them all.
    expect(seen.size).toBe(1);
  });

  it('sends a batch with a member that is not flat (array argument, quote, literal node) as before', () => {
    const cases: Node[] = [task('m#f', [1, 2]), quote({ ref: 'x' }), 5, task('m#f', task('m#g', 1))];
    for (const node of cases) {
      const g = lowerGraph([
        ['a', task('m#f', 1)],
        ['b', node],
        ['c', task('m#g', ref('a'), ref('b'))],
      ]);
      const p = new PayloadBuilder(g, planOf(g, ['c'], 8)).build(0, [], true);
      expect(p.flat).toBeUndefined();
      expect(p.literals).toBeUndefined();
      expect(p.jsonBytes).toBeDefined();
    }
  });
});

describe("flat batches on 'threads'", () => {
  const fxOp = (name: string): string => op(FIXTURES, name).opId;

  it('hands every kind of literal to the op as the calling thread has it', async () => {
    const g = lowerGraph([
      ['d', task(fxOp('describeArgs'), ...LITERALS)],
      ['e', task(fxOp('describeArgs'), ref('d'), -7, 2 ** 29 - 1)],
    ]);
    const threads = await resolveScheduler('threads');
    const [d, e] = await computeGraph(threads, g, ['d', 'e']);
    // The reference: the fixture called here on the same values.
    expect(d).toEqual(fx['describeArgs']!(...LITERALS));
    expect(e).toEqual(fx['describeArgs']!(d, -7, 2 ** 29 - 1));
  });

  it('computes a graph whose shared results are read by batches on both workers as a plain loop does', async () => {
    const n = 3000;
    const entries: [Key, Node][] = [['shared', task(fxOp('addAll'), 1, 2)]];
    for (let i = 0; i < n; i++) entries.push([`inc,${i}`, task(fxOp('addAll'), i, 0.5)]);
    for (let i = 0; i < n; i++) entries.push([`mid,${i}`, task(fxOp('addAll'), ref(`inc,${i}`), ref(`inc,${(i * 7) % n}`), ref('shared'), ref(`inc,${i}`))]);
    const fan = Array.from({ length: 50 }, (_, j) => ref(`mid,${(j * 61) % n}`));
    entries.push(['fan', task(fxOp('addAll'), ...fan)]);
    const g = lowerGraph(entries);
    // The reference: a plain loop.
    const inc = Array.from({ length: n }, (_, i) => i + 0.5);
    const mid = inc.map((v, i) => v + inc[(i * 7) % n]! + 3 + v);
    let fanWant = 0;
    for (let j = 0; j < 50; j++) fanWant += mid[(j * 61) % n]!;
    const threads = await resolveScheduler('threads');
    const outs = ['mid,0', `mid,${n - 1}`, 'fan'];
    for (const batchSize of [4, 64]) expect(await computeGraph(threads, g, outs, { batchSize, numWorkers: 2 })).toEqual([mid[0], mid[n - 1], fanWant]);
  });

  it('fails on an error in the middle of a batch with a TaskError naming that task', async () => {
    const entries: [Key, Node][] = [['chain,0', task(fxOp('incUnless'), 0, -1)]];
    for (let i = 1; i < 20; i++) entries.push([`chain,${i}`, task(fxOp('incUnless'), ref(`chain,${i - 1}`), 9)]);
    const g = lowerGraph(entries);
    const threads = await resolveScheduler('threads');
    // chain,i is i + 1: chain,9 reads 9 and throws; the batch holds all 20 tasks.
    const err = await computeGraph(threads, g, ['chain,19'], { batchSize: 512 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as TaskError).key).toBe('chain,9');
    expect((err as TaskError).message).toContain('refusing 9');
  });
});
