// The worker machine's side of work stealing: a task not started yet (ready, or waiting for its
// inputs) is given up and forgotten, its fetched-only-for-it inputs released; a task executing or
// done is kept. Expected instructions worked out by hand.
import { describe, expect, it } from 'vitest';
import { WorkerStateMachine, type WorkerStimulus } from '@tsdask/scheduler-distributed';
import { drive } from './drive.js';

const compute = (key: string, inputs: { key: string; whoHas: string[]; nbytes?: number }[] = []): WorkerStimulus => ({
  type: 'compute-task',
  stimulusId: `compute-${key}`,
  key,
  op: `op-${key}`,
  priority: 0,
  inputs,
});
const steal = (key: string): WorkerStimulus => ({ type: 'steal-request', stimulusId: `steal-${key}`, key });
const responses = (out: ReturnType<typeof drive>) => out.filter((i) => i.type === 'steal-response').map((i) => [i.key, (i as { released: boolean }).released]);

describe('steal-request', () => {
  it('gives up a ready task and keeps the executing one', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    // a executes (one thread), b waits ready behind it
    const started = drive(m, compute('a'), compute('b'));
    expect(started.filter((i) => i.type === 'execute').map((i) => i.key)).toEqual(['a']);
    expect(m.stateOf('b')).toBe('ready');
    expect(responses(drive(m, steal('b')))).toEqual([['b', true]]);
    expect(m.stateOf('b')).toBeUndefined();
    expect(responses(drive(m, steal('a')))).toEqual([['a', false]]);
    expect(m.stateOf('a')).toBe('executing');
    // a finishes normally and is reported
    expect(drive(m, { type: 'execute-success', stimulusId: 'e', key: 'a', nbytes: 8 }).map((i) => i.type)).toEqual(['task-finished']);
  });

  it('gives up a task waiting for an input, and drops the input fetch made only for it', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    const out = drive(m, compute('c', [{ key: 'x', whoHas: ['peer:1'], nbytes: 8 }]));
    expect(out.map((i) => i.type)).toEqual(['gather-dep']);
    expect(m.stateOf('c')).toBe('waiting');
    expect(responses(drive(m, steal('c')))).toEqual([['c', true]]);
    expect(m.stateOf('c')).toBeUndefined();
    // the input in flight is no longer wanted: when it arrives, it is dropped
    const tid = (out[0] as { transferId: number }).transferId;
    expect(drive(m, { type: 'gather-dep-success', stimulusId: 'g', transferId: tid, received: [{ key: 'x', nbytes: 8 }] }).map((i) => i.type)).toEqual([
      'release-data',
    ]);
    expect(m.stateOf('x')).toBeUndefined();
  });

  it('keeps a finished task, and answers released for a key it does not know', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, compute('a'), { type: 'execute-success', stimulusId: 'e', key: 'a', nbytes: 8 });
    expect(responses(drive(m, steal('a')))).toEqual([['a', false]]);
    expect(m.stateOf('a')).toBe('memory');
    expect(responses(drive(m, steal('nope')))).toEqual([['nope', true]]);
  });
});
