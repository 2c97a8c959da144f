/**
 * Runs a SchedulerState to its end for tests: each batch finishes as soon as it is dispatched
 * (with `size(batch)` bytes), and a spill write ends only when nothing else is queued, the
 * longest a write can take. Checks the machine's invariants before every instruction.
 */
import { expect } from 'vitest';
import type { Instruction, SchedulerState } from '@tsdask/scheduler-local';

export interface DriveLog {
  /** Batches dropped from memory after their write ended (on disk). */
  onDisk: Set<number>;
  /** Spill instructions given. */
  spills: number;
  /** Dispatches made while a write was going and memory was over the pause (should be none). */
  startedDuringWrite: number;
  /** The 'done' instruction. */
  end: Extract<Instruction, { type: 'done' }> | undefined;
  /** The results read back at the end (the 'unspill' just before 'done'). */
  endUnspill: number[];
}

export function driveWithLateWrites(m: SchedulerState, size: (batch: number) => number): DriveLog {
  const log: DriveLog = { onDisk: new Set(), spills: 0, startedDuringWrite: 0, end: undefined, endUnspill: [] };
  const queue: Instruction[] = [...m.handle({ type: 'start' })];
  const writes: { batch: number; gen: number }[] = [];
  while (queue.length > 0 || writes.length > 0) {
    if (queue.length === 0) {
      const w = writes.shift()!;
      queue.push(...m.handle({ type: 'spilled', batch: w.batch, bytes: size(w.batch), gen: w.gen }));
      continue;
    }
    const ins = queue.shift()!;
    expect(m.validate()).toEqual([]);
    if (ins.type === 'unspill') {
      if (queue[0]?.type === 'done') log.endUnspill.push(...ins.batches);
    } else if (ins.type === 'dispatch') {
      const writing = writes.length > 0;
      const out = m.handle({ type: 'batch-finished', batch: ins.batch, worker: 0, start: 0, stop: 1, nbytes: size(ins.batch) });
      // Held changes before the machine dispatches, and not after: paused now is paused then.
      if (writing && m.memory.paused && out.some((i) => i.type === 'dispatch')) log.startedDuringWrite++;
      queue.push(...out);
    } else if (ins.type === 'spill') {
      log.spills++;
      writes.push({ batch: ins.batch, gen: ins.gen });
    } else if (ins.type === 'drop') {
      log.onDisk.add(ins.batch);
    } else if (ins.type === 'release') {
      log.onDisk.delete(ins.batch);
    } else if (ins.type === 'done') {
      log.end = ins;
    }
  }
  expect(m.closed).toBe(true);
  return log;
}
