/**
 * The state machine when spill writes fail: the result is held as before (as distributed's
 * worker keeps data it could not spill), a result that failed is never chosen again, and a
 * failure that stops spilling (the folder is unusable) leaves the compute running to its end,
 * one batch at a time over the pause, with every invariant kept.
 */
import { describe, expect, it } from 'vitest';
import type { Instruction } from '@tsdask/scheduler-local';
import { loadsMachine } from './shared-loads.js';

/** Runs the machine; `fails(batch)` says how a spill write of that batch ends. */
function run(fails: (batch: number) => 'ok' | 'keep' | 'stop') {
  const { m, size, plan } = loadsMachine(500);
  const spilled: number[] = [];
  let spillsAfterStop = 0;
  let stopped = false;
  let fromStep = 0; // instructions before this index of `queue` came from steps before the stop
  let shifted = 0;
  const onDisk = new Set<number>();
  let executed = 0;
  let finished = false;
  const queue: Instruction[] = [...m.handle({ type: 'start' })];
  while (queue.length > 0) {
    const ins = queue.shift()!;
    shifted++;
    expect(m.validate()).toEqual([]);
    if (ins.type === 'unspill') {
      // For the dispatch that follows (each was on disk), or the outputs at the end.
      for (const ib of ins.batches) expect(onDisk.delete(ib)).toBe(true);
    } else if (ins.type === 'dispatch') {
      executed++;
      queue.push(...m.handle({ type: 'batch-finished', batch: ins.batch, worker: 0, start: 0, stop: 1, nbytes: size(ins.batch) }));
    } else if (ins.type === 'spill') {
      spilled.push(ins.batch);
      if (stopped && shifted > fromStep) spillsAfterStop++;
      const how = fails(ins.batch);
      if (how === 'stop' && !stopped) {
        stopped = true;
        fromStep = shifted + queue.length; // what is queued now was asked for before the stop
      }
      queue.push(
        ...m.handle(
          how === 'ok'
            ? { type: 'spilled', batch: ins.batch, bytes: size(ins.batch), gen: ins.gen }
            : { type: 'spill-failed', batch: ins.batch, gen: ins.gen, stop: how === 'stop' },
        ),
      );
    } else if (ins.type === 'drop') {
      onDisk.add(ins.batch);
    } else if (ins.type === 'release') {
      onDisk.delete(ins.batch);
    } else if (ins.type === 'done') {
      finished = true;
    }
  }
  return { m, plan, spilled, spillsAfterStop, onDisk, executed, finished };
}

describe('SchedulerState when spill writes fail', () => {
  it('a failure that stops spilling: no spill after it, and the compute still ends', () => {
    const r = run(() => 'stop');
    // Writes asked for before the first failure came back may still fail; none is asked after.
    expect(r.spilled.length).toBeGreaterThan(0);
    expect(r.spillsAfterStop).toBe(0);
    expect(r.finished).toBe(true);
    expect(r.m.closed).toBe(true);
    expect(r.executed).toBe(run(() => 'ok').executed);
    expect(r.onDisk.size).toBe(0);
    expect(r.m.memory.spilledBytes).toBe(0);
    expect(r.m.memory.spillCount).toBe(0);
  });

  it('a result that failed is held and never chosen again; others still spill', () => {
    let first: number | undefined;
    const r = run((b) => {
      first ??= b;
      return b === first ? 'keep' : 'ok';
    });
    expect(r.spilled.filter((b) => b === first)).toHaveLength(1);
    expect(r.spilled.length).toBeGreaterThan(1);
    expect(r.m.memory.spillCount).toBeGreaterThan(0);
    expect(r.finished).toBe(true);
    expect(r.executed).toBe(run(() => 'ok').executed);
  });
});
