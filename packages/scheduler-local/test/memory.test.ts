import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { delayed, lowerGraph, order, task, TaskError, type Delayed, type SchedulerEvent } from '@tsdask/core-graph';
import { planBatches, SchedulerState, type Instruction } from '@tsdask/scheduler-local';
import { decodeValue, encodeValue } from '@tsdask/runtime/codec';
import { randomDag } from './random-dag.js';
import { driveWithLateWrites } from './drive.js';
import { K, loadsMachine } from './shared-loads.js';
import { parseBytes } from '@tsdask/runtime/spill';

const parent = mkdtempSync(join(tmpdir(), 'tsdask-mem-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('memory limit parsing', () => {
  it('reads sizes with units and fractions, and rejects nonsense', () => {
    expect(parseBytes('512MB')).toBe(512e6);
    expect(parseBytes('2 GiB')).toBe(2 * 2 ** 30);
    expect(parseBytes(1e9)).toBe(1e9);
    expect(() => parseBytes('lots')).toThrow(/not a size/);
    expect(() => parseBytes('3 parsecs')).toThrow(/unknown unit 'parsecs'/);
  });
});

describe('spill codec', () => {
  it('round-trips typed arrays (shared or not), nested containers and other values', () => {
    const shared = new Float64Array(new SharedArrayBuffer(24));
    shared.set([1.5, -2, NaN]);
    const value = {
      shared,
      plain: Int32Array.from([1, -2, 3]),
      big: BigInt64Array.from([1n, -(2n ** 60n)]),
      view: new Uint8Array(new ArrayBuffer(10), 2, 4).fill(7),
      nested: [{ s: 'text', n: null, d: new Date(5) }, new Map([['k', new Float32Array([0.5])]])],
    };
    const back = decodeValue(Buffer.concat(encodeValue(value))) as typeof value;
    expect(back.shared).toBeInstanceOf(Float64Array);
    expect(back.shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(back.shared)).toEqual([1.5, -2, NaN]);
    expect(back.plain).toEqual(value.plain);
    expect(back.big).toEqual(value.big);
    expect(Array.from(back.view)).toEqual([7, 7, 7, 7]);
    expect(back.nested[0]).toEqual({ s: 'text', n: null, d: new Date(5) });
    expect((back.nested[1] as Map<string, Float32Array>).get('k')).toEqual(new Float32Array([0.5]));
  });
});

describe('SchedulerState under a memory limit', () => {
  // The shared test DAG (shared-loads.ts): every load is held (or spilled) until all loads are done.
  function run(limit: number) {
    const { m, size, plan, outIds } = loadsMachine(limit);
    const onDisk = new Set<number>();
    const queue: Instruction[] = [...m.handle({ type: 'start' })];
    let spills = 0;
    let unspills = 0;
    while (queue.length > 0) {
      const ins = queue.shift()!;
      expect(m.validate()).toEqual([]);
      if (ins.type === 'unspill') {
        // Read back for the dispatch that follows, or at the end for the answer (outputs only).
        for (const ib of ins.batches) {
          expect(onDisk.has(ib)).toBe(true);
          if (queue[0]?.type === 'done') expect(outIds).toContain(plan.root[ib]);
          onDisk.delete(ib);
          unspills++;
        }
      } else if (ins.type === 'dispatch') {
        queue.push(...m.handle({ type: 'batch-finished', batch: ins.batch, worker: 1, start: 0, stop: 1, nbytes: size(ins.batch) }));
      } else if (ins.type === 'spill') {
        queue.push(...m.handle({ type: 'spilled', batch: ins.batch, bytes: size(ins.batch), gen: ins.gen }));
      } else if (ins.type === 'done') {
        expect([...onDisk].filter((b) => outIds.includes(plan.root[b]!))).toEqual([]);
      } else if (ins.type === 'drop') {
        spills++;
        onDisk.add(ins.batch);
      } else if (ins.type === 'release') {
        onDisk.delete(ins.batch);
      }
    }
    expect(m.closed).toBe(true);
    return { spills, unspills, stats: m.memory };
  }

  it('never spills without a limit', () => {
    const r = run(Infinity);
    expect(r.spills).toBe(0);
    expect(r.stats.maxHeld).toBeGreaterThanOrEqual(K * 100);
  });

  it('spills what is needed least soon, reads it back for its dependent, and bounds what is held', () => {
    const r = run(500);
    expect(r.spills).toBeGreaterThan(0);
    expect(r.unspills).toBe(r.spills);
    expect(r.stats.spilledBytes).toBe(0);
    // At most one load over the spill target (60% of 500) plus the one being read back.
    expect(r.stats.maxHeld).toBeLessThanOrEqual(0.6 * 500 + 2 * 100 + K * 2);
  });
});

/**
 * Chunks of `n` doubles read twice: by a sum branch, and by a max branch whose tasks also read
 * the last chunk, so every chunk is held (or spilled) until the last one exists.
 */
function twoPasses(chunks: number, n: number): { total: Delayed<number>; peak: Delayed<number>; expected: [number, number] } {
  const make = delayed(
    (i: number, len: number) => {
      const a = new Float64Array(len);
      for (let j = 0; j < len; j++) a[j] = ((i * 7919 + j * 104729) % 1000) / 10;
      return a;
    },
    { name: 'make' },
  );
  const sum = delayed((a: Float64Array) => a.reduce((x, y) => x + y, 0), { name: 'sum' });
  const max = delayed(
    (a: Float64Array, last: Float64Array) =>
      Math.max(
        a.reduce((x, y) => Math.max(x, y), -Infinity),
        last[0]!,
      ),
    { name: 'max' },
  );
  const add = delayed((...xs: number[]) => xs.reduce((x, y) => x + y, 0), { name: 'add' });
  const maxAll = delayed((...xs: number[]) => Math.max(...xs), { name: 'max-all' });
  const data = Array.from({ length: chunks }, (_, i) => make(i, n));
  let total = 0;
  let peak = -Infinity;
  for (let i = 0; i < chunks; i++) {
    for (let j = 0; j < n; j++) {
      const v = ((i * 7919 + j * 104729) % 1000) / 10;
      total += v;
      peak = Math.max(peak, v);
    }
  }
  const last = data[chunks - 1]!;
  return { total: add(...data.map((d) => sum(d))), peak: maxAll(...data.map((d) => max(d, last))), expected: [total, peak] };
}

describe('SchedulerState with outputs larger than the limit', () => {
  it('spills outputs on the way and lists those on disk at the end, to read back', () => {
    // K independent outputs of 100 bytes under a limit of 300: together three times the limit.
    const K = 9;
    const g = lowerGraph(Array.from({ length: K }, (_, i) => [`out,${i}`, task('m#make', i)] as [string, unknown]));
    const outputs = g.keys.slice();
    const outIds = Int32Array.from(outputs, (k) => g.index.get(k)!);
    const isOut = new Uint8Array(g.size).fill(1);
    const plan = planBatches(g, order(g, outputs), isOut, 1);
    const m = new SchedulerState(g, plan, { outputs: outIds, slots: 2, retries: 0, memoryLimit: 300, rootSlots: 2 });
    const { onDisk, end, endUnspill } = driveWithLateWrites(m, () => 100);
    expect(onDisk.size).toBeGreaterThan(0);
    // Every output written to disk is read back at the end, and only those.
    expect(end).toBeDefined();
    expect(new Set(endUnspill)).toEqual(onDisk);
    expect(m.memory.held).toBe(K * 100);
    expect(m.memory.spilledBytes).toBe(0);
  });
});

describe.each(['sync', 'threads'])('spilling end to end on %s', (scheduler) => {
  it('an answer three times the limit: its parts spill on the way and all come back', async () => {
    const { compute } = await import('@tsdask/core-graph');
    const make = delayed((i: number, n: number) => Float64Array.from({ length: n }, (_, j) => i * n + j), { name: 'make' });
    const parts = Array.from({ length: 12 }, (_, i) => make(i, 250_000)); // 24 MB in all
    const spillDir = mkdtempSync(join(parent, 'big-answer-'));
    let spills = 0;
    const got = (await compute(...parts, {
      scheduler,
      memoryLimit: '8MB',
      spillDir,
      callbacks: [{ event: ({ type: name }: SchedulerEvent) => void (name === 'spill' && spills++) }],
    })) as Float64Array[];
    expect(spills).toBeGreaterThan(0);
    got.forEach((a, i) => {
      expect(a.length).toBe(250_000);
      expect(a[0]).toBe(i * 250_000);
      expect(a[249_999]).toBe(i * 250_000 + 249_999);
    });
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('spills above the limit, gets the right answer, and leaves no temp folder', async () => {
    const { compute } = await import('@tsdask/core-graph');
    const { total, peak, expected } = twoPasses(24, 125_000); // 24 MB of chunks
    const spillDir = mkdtempSync(join(parent, 'ok-'));
    const events: string[] = [];
    const result = await compute(total, peak, {
      scheduler,
      memoryLimit: '8MB',
      spillDir,
      callbacks: [{ event: ({ type: name }: SchedulerEvent) => events.push(name) }],
    });
    expect(result[0]).toBeCloseTo(expected[0], 6);
    expect(result[1]).toBe(expected[1]);
    expect(events.filter((e) => e === 'spill').length).toBeGreaterThan(0);
    expect(events.filter((e) => e === 'unspill').length).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it('removes the temp folder when a task fails after spilling', async () => {
    const { compute } = await import('@tsdask/core-graph');
    const { total, peak } = twoPasses(24, 125_000);
    const boom = delayed(
      (x: number) => {
        if (x > -1) throw new Error('late failure');
        return x;
      },
      { name: 'boom' },
    );
    const spillDir = mkdtempSync(join(parent, 'fail-'));
    let spilled = 0;
    const err = await compute(total, boom(peak), {
      scheduler,
      memoryLimit: '8MB',
      spillDir,
      callbacks: [{ event: ({ type: name }: SchedulerEvent) => void (name === 'spill' && spilled++) }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(spilled).toBeGreaterThan(0);
    expect(readdirSync(spillDir)).toEqual([]);
  });
});

describe('SchedulerState with spill writes that end late', () => {
  // Writes finish several steps after they were asked for: meanwhile results being written are
  // claimed by a dispatched batch (the spill is called off), released by it and chosen again.
  // Only the completion of a result's latest write may drop it from memory: an older write
  // finishing says nothing of the newer one, whose file may still be half written.
  it('drops a result only when its latest write is done', () => {
    let respilledDuringWrite = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const g = randomDag(300, seed);
      const sinks = [...g.keys].filter((_, i) => g.outPtr[i + 1] === g.outPtr[i]);
      const outIds = Int32Array.from(sinks, (k) => g.index.get(k)!);
      const isOut = new Uint8Array(g.size);
      for (const o of outIds) isOut[o] = 1;
      const plan = planBatches(g, order(g, sinks), isOut, 1);
      const m = new SchedulerState(g, plan, { outputs: outIds, slots: 2, retries: 0, memoryLimit: 150, rootSlots: 2 });
      // Outputs are small (they could be spilled too, first): the writes are of the results
      // that batches read back.
      const size = (b: number) => (isOut[plan.root[b]!] ? 1 : 10 + ((plan.root[b]! * 37) % 90));
      const queue: Instruction[] = [...m.handle({ type: 'start' })];
      const writes: { batch: number; gen: number; due: number }[] = [];
      const latest = new Map<number, number>();
      let steps = 0;
      while (queue.length > 0 || writes.length > 0) {
        steps++;
        if (queue.length === 0 || (writes.length > 0 && writes[0]!.due <= steps)) {
          const w = writes.shift()!;
          const out = m.handle({ type: 'spilled', batch: w.batch, bytes: size(w.batch), gen: w.gen });
          if (out.some((i) => i.type === 'drop' && i.batch === w.batch)) expect(w.gen).toBe(latest.get(w.batch));
          queue.push(...out);
          continue;
        }
        const ins = queue.shift()!;
        // A read back is part of the dispatch that follows it: no step of its own.
        if (ins.type === 'unspill') {
          steps--;
          continue;
        }
        expect(m.validate()).toEqual([]);
        if (ins.type === 'dispatch') {
          queue.push(...m.handle({ type: 'batch-finished', batch: ins.batch, worker: 1, start: 0, stop: 1, nbytes: size(ins.batch) }));
        } else if (ins.type === 'spill') {
          if (writes.some((w) => w.batch === ins.batch)) respilledDuringWrite++;
          latest.set(ins.batch, ins.gen);
          writes.push({ batch: ins.batch, gen: ins.gen, due: steps + 6 });
        }
      }
      expect(m.closed).toBe(true);
    }
    // The case this is about did happen.
    expect(respilledDuringWrite).toBeGreaterThan(0);
  });
});
