// The worker machine's receive-data stimulus (a value the scheduler put here), compute-task
// again refreshing a waiting task's input holders (after missing-data), driven by hand;
// expected instructions worked out from the header's policy (the memory thresholds are in
// memory-thresholds.test.ts).
import { describe, expect, it } from 'vitest';
import { drive } from './drive.js';
import { WorkerStateMachine, type WorkerInstruction, type WorkerStimulus } from '@tsdask/scheduler-distributed';

const receive = (key: string, nbytes: number, sid = `recv-${key}`): WorkerStimulus => ({ type: 'receive-data', stimulusId: sid, key, nbytes });
const strip = (ins: WorkerInstruction[]) => ins.map(({ stimulusId: _s, ...rest }) => rest);

describe('WorkerStateMachine receive-data', () => {
  it('keeps a new key in memory, reports it, and keeps it until free-keys', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    expect(strip(drive(m, receive('s', 40)))).toEqual([{ type: 'task-finished', key: 's', nbytes: 40 }]);
    expect(m.stateOf('s')).toBe('memory');
    expect(m.story('s').map((l) => `${l.from}->${l.to}`)).toEqual(['released->memory']);
    expect(strip(drive(m, { type: 'free-keys', stimulusId: 'free', keys: ['s'] }))).toEqual([{ type: 'release-data', key: 's' }]);
    expect(m.stateOf('s')).toBeUndefined();
  });

  it('wakes a task waiting for a key it was fetching, which then executes', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    const first = drive(m, { type: 'compute-task', stimulusId: 'c', key: 'y', op: 'op-y', priority: 0, inputs: [{ key: 'x', whoHas: ['peer:1'] }] });
    expect(first.map((i) => i.type)).toEqual(['gather-dep']);
    // x is in flight: the received copy is dropped, the transfer's result is awaited
    expect(strip(drive(m, receive('x', 8)))).toEqual([{ type: 'release-data', key: 'x' }]);
    expect(m.stateOf('x')).toBe('flight');
    const transferId = (first[0] as { transferId: number }).transferId;
    const done = drive(m, { type: 'gather-dep-failure', stimulusId: 'g', transferId, error: new Error('gone') });
    expect(strip(done)).toEqual([{ type: 'missing-data', key: 'x', tried: ['peer:1'] }]);
    // missing, then the value arrives directly: y runs
    expect(strip(drive(m, receive('x', 8)))).toEqual([
      { type: 'task-finished', key: 'x', nbytes: 8 },
      { type: 'execute', key: 'y', op: 'op-y' },
    ]);
  });

  it('reports again, with the new size, a key already in memory', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, receive('s', 40));
    expect(strip(drive(m, receive('s', 16)))).toEqual([{ type: 'task-finished', key: 's', nbytes: 16 }]);
  });
});

describe('WorkerStateMachine compute-task again', () => {
  it('fetches a missing input again from the holders a repeated compute-task names', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    const y = (whoHas: string[]): WorkerStimulus => ({
      type: 'compute-task',
      stimulusId: `c-${whoHas[0]}`,
      key: 'y',
      op: 'op-y',
      priority: 0,
      inputs: [{ key: 'x', whoHas }],
    });
    const first = drive(m, y(['a:1']));
    const transferId = (first[0] as { transferId: number }).transferId;
    expect(strip(drive(m, { type: 'gather-dep-failure', stimulusId: 'g', transferId, error: 'reset' }))).toEqual([
      { type: 'missing-data', key: 'x', tried: ['a:1'] },
    ]);
    expect(m.stateOf('x')).toBe('missing');
    const again = drive(m, y(['b:2']));
    expect(strip(again)).toEqual([{ type: 'gather-dep', transferId: transferId + 1, peer: 'b:2', keys: ['x'], totalBytes: 1024 }]);
    expect(m.stateOf('y')).toBe('waiting');
    expect(strip(drive(m, { type: 'gather-dep-success', stimulusId: 'g2', transferId: transferId + 1, received: [{ key: 'x', nbytes: 8 }] }))).toEqual([
      { type: 'execute', key: 'y', op: 'op-y' },
    ]);
  });
});
