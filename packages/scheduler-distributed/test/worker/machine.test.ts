// The distributed worker's state machine driven by hand, no sockets: each expected instruction
// list is worked out by hand from the stimuli.
import { describe, expect, it } from 'vitest';
import { drive } from './drive.js';
import { WorkerStateMachine, WorkerTransitionError, type WorkerInstruction, type WorkerStimulus } from '@tsdask/scheduler-distributed';

const compute = (key: string, inputs: { key: string; whoHas: string[]; nbytes?: number }[] = [], priority = 0): WorkerStimulus => ({
  type: 'compute-task',
  stimulusId: `compute-${key}`,
  key,
  op: `op-${key}`,
  priority,
  inputs,
});

const types = (ins: WorkerInstruction[]) => ins.map((i) => i.type);

describe('WorkerStateMachine', () => {
  it('fetches two inputs from two peers, then executes, then reports task-finished', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    const first = drive(
      m,
      compute('c', [
        { key: 'a', whoHas: ['p1'], nbytes: 10 },
        { key: 'b', whoHas: ['p2'], nbytes: 20 },
      ]),
    );
    expect(first).toEqual([
      { type: 'gather-dep', stimulusId: 'compute-c', transferId: 0, peer: 'p1', keys: ['a'], totalBytes: 10 },
      { type: 'gather-dep', stimulusId: 'compute-c', transferId: 1, peer: 'p2', keys: ['b'], totalBytes: 20 },
    ]);
    expect([m.stateOf('a'), m.stateOf('b'), m.stateOf('c')]).toEqual(['flight', 'flight', 'waiting']);
    expect(drive(m, { type: 'gather-dep-success', stimulusId: 'g0', transferId: 0, received: [{ key: 'a', nbytes: 10 }] })).toEqual([]);
    expect(m.stateOf('c')).toBe('waiting');
    expect(drive(m, { type: 'gather-dep-success', stimulusId: 'g1', transferId: 1, received: [{ key: 'b', nbytes: 20 }] })).toEqual([
      { type: 'execute', stimulusId: 'g1', key: 'c', op: 'op-c' },
    ]);
    // The inputs were fetched only for c: once c has run they are dropped.
    expect(drive(m, { type: 'execute-success', stimulusId: 'e', key: 'c', nbytes: 8 })).toEqual([
      { type: 'task-finished', stimulusId: 'e', key: 'c', nbytes: 8 },
      { type: 'release-data', stimulusId: 'e', key: 'a' },
      { type: 'release-data', stimulusId: 'e', key: 'b' },
    ]);
    expect([m.stateOf('a'), m.stateOf('b'), m.stateOf('c')]).toEqual([undefined, undefined, 'memory']);
    expect(m.story('c').map((l) => `${l.from}->${l.to} ${l.stimulusId}`)).toEqual([
      'released->waiting compute-c',
      'waiting->ready g1',
      'ready->executing g1',
      'executing->memory e',
    ]);
  });

  it('batches 10 small keys from one peer into one gather-dep, and splits at the byte budget', () => {
    const inputs = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, whoHas: ['p'], nbytes: 100 }));
    const m = new WorkerStateMachine({ nthreads: 1, transferBytes: 1000 });
    const out = drive(m, compute('sum', inputs));
    expect(out).toEqual([{ type: 'gather-dep', stimulusId: 'compute-sum', transferId: 0, peer: 'p', keys: inputs.map((i) => i.key), totalBytes: 1000 }]);
    // A budget of 450 bytes: 4 + 4 + 2 keys.
    const small = new WorkerStateMachine({ nthreads: 1, transferBytes: 450 });
    const split = drive(small, compute('sum', inputs)).map((i) => (i.type === 'gather-dep' ? [i.keys.length, i.totalBytes] : i.type));
    expect(split).toEqual([
      [4, 400],
      [4, 400],
      [2, 200],
    ]);
  });

  it('caps transfers in flight in total and per peer', () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, whoHas: [i < 4 ? 'p' : 'q'], nbytes: 100 }));
    const m = new WorkerStateMachine({ nthreads: 1, transferBytes: 100, maxTransfers: 3, maxTransfersPerPeer: 2 });
    const out = drive(m, compute('x', inputs));
    expect(out.map((i) => (i.type === 'gather-dep' ? `${i.peer}:${i.keys.join(',')}` : i.type))).toEqual(['p:k0', 'p:k1', 'q:k4']);
    const next = drive(m, { type: 'gather-dep-success', stimulusId: 'g', transferId: 0, received: [{ key: 'k0', nbytes: 100 }] });
    expect(next.map((i) => (i.type === 'gather-dep' ? `${i.peer}:${i.keys.join(',')}` : i.type))).toEqual(['p:k2']);
  });

  it('retries a failed gather from another peer and reports missing-data when no peer is left', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    expect(drive(m, compute('c', [{ key: 'a', whoHas: ['p1', 'p2'], nbytes: 5 }]))).toMatchObject([{ type: 'gather-dep', peer: 'p1', keys: ['a'] }]);
    expect(drive(m, { type: 'gather-dep-failure', stimulusId: 'f1', transferId: 0, error: new Error('connection reset') })).toEqual([
      { type: 'gather-dep', stimulusId: 'f1', transferId: 1, peer: 'p2', keys: ['a'], totalBytes: 5 },
    ]);
    // p2 answers without the key: it does not hold it either.
    expect(drive(m, { type: 'gather-dep-success', stimulusId: 'f2', transferId: 1, received: [] })).toEqual([
      { type: 'missing-data', stimulusId: 'f2', key: 'a', tried: ['p1', 'p2'] },
    ]);
    expect([m.stateOf('a'), m.stateOf('c')]).toEqual(['missing', 'waiting']);
    expect(m.story('a').map((l) => `${l.from}->${l.to} ${l.stimulusId}`)).toEqual([
      'released->fetch compute-c',
      'fetch->flight compute-c',
      'flight->fetch f1',
      'fetch->flight f1',
      'flight->missing f2',
    ]);
    // The scheduler names a new holder: the fetch starts again.
    expect(drive(m, { type: 'acquire-replicas', stimulusId: 'r', keys: [{ key: 'a', whoHas: ['p3'] }] })).toMatchObject([{ type: 'gather-dep', peer: 'p3' }]);
  });

  it('with nthreads=2 never has 3 tasks executing, and starts ready tasks by priority', () => {
    const m = new WorkerStateMachine({ nthreads: 2 });
    const out = drive(m, compute('t5', [], 5), compute('t1', [], 1), compute('t3', [], 3), compute('t2', [], 2));
    expect(out.map((i) => i.type === 'execute' && i.key)).toEqual(['t5', 't1']);
    expect(m.executing).toBe(2);
    const next = drive(m, { type: 'execute-success', stimulusId: 's', key: 't5', nbytes: 1 });
    expect(next.filter((i) => i.type === 'execute').map((i) => i.type === 'execute' && i.key)).toEqual(['t2']);
    const after = drive(m, { type: 'execute-failure', stimulusId: 'f', key: 't1', error: 'boom' });
    expect(after).toEqual([
      { type: 'task-erred', stimulusId: 'f', key: 't1', error: 'boom' },
      { type: 'execute', stimulusId: 'f', key: 't3', op: 'op-t3' },
    ]);
    expect(m.executing).toBe(2);
  });

  it('starts no new task and no new fetch while paused, and resumes on unpause', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    const paused = drive(m, { type: 'pause', stimulusId: 'p' }, compute('a'), compute('b', [{ key: 'x', whoHas: ['peer'] }]));
    expect(paused).toEqual([]);
    expect([m.stateOf('a'), m.stateOf('x')]).toEqual(['ready', 'fetch']);
    expect(types(drive(m, { type: 'unpause', stimulusId: 'u' }))).toEqual(['execute', 'gather-dep']);
  });

  it('set-slots changes how many tasks execute at once: more start at once when it grows, none are stopped when it shrinks', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    expect(types(drive(m, compute('a'), compute('b'), compute('c'), compute('d')))).toEqual(['execute']);
    expect(drive(m, { type: 'set-slots', stimulusId: 's3', slots: 3 }).map((i) => (i.type === 'execute' ? i.key : i.type))).toEqual(['b', 'c']);
    expect(m.executing).toBe(3);
    expect(drive(m, { type: 'set-slots', stimulusId: 's1', slots: 1 })).toEqual([]);
    // Three still execute; the next starts only once fewer than one do.
    expect(drive(m, { type: 'execute-success', stimulusId: 'e1', key: 'a', nbytes: 1 }).map((i) => i.type)).toEqual(['task-finished']);
    drive(m, { type: 'execute-success', stimulusId: 'e2', key: 'b', nbytes: 1 });
    expect(drive(m, { type: 'execute-success', stimulusId: 'e3', key: 'c', nbytes: 1 }).map((i) => i.type)).toEqual(['task-finished', 'execute']);
  });

  it('free-keys releases a key in memory (release-data) and forgets it', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, compute('a'), { type: 'execute-success', stimulusId: 's', key: 'a', nbytes: 4 });
    expect(m.stateOf('a')).toBe('memory');
    expect(drive(m, { type: 'free-keys', stimulusId: 'free', keys: ['a'] })).toEqual([{ type: 'release-data', stimulusId: 'free', key: 'a' }]);
    expect(m.stateOf('a')).toBeUndefined();
    expect(m.story('a').at(-1)).toEqual({ key: 'a', from: 'memory', to: 'released', stimulusId: 'free' });
  });

  it('finishes executing work that was freed, then releases it without telling the scheduler', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, compute('a'));
    expect(drive(m, { type: 'free-keys', stimulusId: 'free', keys: ['a'] })).toEqual([]);
    expect(m.stateOf('a')).toBe('executing');
    expect(drive(m, { type: 'execute-success', stimulusId: 's', key: 'a', nbytes: 4 })).toEqual([{ type: 'release-data', stimulusId: 's', key: 'a' }]);
    expect(m.stateOf('a')).toBeUndefined();
  });

  it('acquires a replica (reported once in memory), keeps it while a local task needs it, and drops it on remove-replicas', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    expect(drive(m, { type: 'acquire-replicas', stimulusId: 'acq', keys: [{ key: 'r', whoHas: ['p'], nbytes: 7 }] })).toEqual([
      { type: 'gather-dep', stimulusId: 'acq', transferId: 0, peer: 'p', keys: ['r'], totalBytes: 7 },
    ]);
    expect(drive(m, { type: 'gather-dep-success', stimulusId: 'g', transferId: 0, received: [{ key: 'r', nbytes: 7 }] })).toEqual([
      { type: 'task-finished', stimulusId: 'g', key: 'r', nbytes: 7 },
    ]);
    // A task here needs r (already in memory: it is ready at once, no fetch).
    expect(types(drive(m, compute('c', [{ key: 'r', whoHas: ['p'] }])))).toEqual(['execute']);
    expect(drive(m, { type: 'remove-replicas', stimulusId: 'rm1', keys: ['r'] })).toEqual([]);
    expect(m.stateOf('r')).toBe('memory');
    drive(m, { type: 'execute-success', stimulusId: 's', key: 'c', nbytes: 1 });
    expect(m.stateOf('r')).toBe('memory'); // the scheduler was told it is here: it stays until told otherwise
    expect(drive(m, { type: 'remove-replicas', stimulusId: 'rm2', keys: ['r'] })).toEqual([{ type: 'release-data', stimulusId: 'rm2', key: 'r' }]);
    expect(m.stateOf('r')).toBeUndefined();
  });

  it('a key freed while in flight is released when its transfer lands', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, compute('c', [{ key: 'a', whoHas: ['p'], nbytes: 3 }]));
    expect(drive(m, { type: 'free-keys', stimulusId: 'free', keys: ['c'] })).toEqual([]);
    expect([m.stateOf('a'), m.stateOf('c')]).toEqual(['flight', undefined]);
    expect(drive(m, { type: 'gather-dep-success', stimulusId: 'g', transferId: 0, received: [{ key: 'a', nbytes: 3 }] })).toEqual([
      { type: 'release-data', stimulusId: 'g', key: 'a' },
    ]);
    expect(m.stateOf('a')).toBeUndefined();
    expect(m.story('a').map((l) => l.to)).toEqual(['fetch', 'flight', 'released']);
  });

  it('validate() names a broken invariant', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, { type: 'acquire-replicas', stimulusId: 'acq', keys: [{ key: 'a', whoHas: ['p'] }] });
    m.tasks.get('a')!.state = 7; // memory, while its transfer is still listed
    expect(() => m.validate()).toThrow(/'a' \(memory\).*not in flight but has transfer 0/);
  });

  it('story keeps the latest moves when the log is bounded', () => {
    const m = new WorkerStateMachine({ nthreads: 1, storyCapacity: 4 });
    for (let i = 0; i < 5; i++) drive(m, compute(`t${i}`), { type: 'execute-success', stimulusId: `s${i}`, key: `t${i}`, nbytes: 1 });
    // 15 moves, 3 per task; a capacity of 4 keeps between 4 and 7 of the latest.
    expect(m.story('t0')).toEqual([]);
    expect(m.story('t4').map((l) => l.to)).toEqual(['ready', 'executing', 'memory']);
  });

  it('throws WorkerTransitionError at an illegal move, with key, from, to and story', () => {
    const m = new WorkerStateMachine({ nthreads: 1 });
    drive(m, compute('a'), { type: 'execute-success', stimulusId: 's', key: 'a', nbytes: 4 });
    let caught: unknown;
    try {
      m.forceTransition('a', 'executing', 'bad');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WorkerTransitionError);
    const err = caught as WorkerTransitionError;
    expect([err.name, err.code, err.key, err.from, err.to]).toEqual(['WorkerTransitionError', 'TSDASK_WORKER_INVALID_TRANSITION', 'a', 'memory', 'executing']);
    expect(err.story.map((l) => l.to)).toEqual(['ready', 'executing', 'memory']);
    expect(err.message).toContain("on stimulus 'bad'");
    expect(m.stateOf('a')).toBe('memory');
  });
});
