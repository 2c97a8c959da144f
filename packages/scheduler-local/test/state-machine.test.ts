import { describe, expect, it } from 'vitest';
import { lowerGraph, order, ref, task, TaskError, WorkerLostError, type TaskGraph } from '@tsdask/core-graph';
import { planBatches, SchedulerState, type Instruction } from '@tsdask/scheduler-local';

/** A diamond plus a tail:  a -> b, a -> c, (b, c) -> d, d -> e;  outputs e and b. */
function diamond(): TaskGraph {
  return lowerGraph([
    ['a', task('m#f')],
    ['b', task('m#f', ref('a'))],
    ['c', task('m#f', ref('a'))],
    ['d', task('m#f', ref('b'), ref('c'))],
    ['e', task('m#f', ref('d'))],
  ]);
}

function machineFor(g: TaskGraph, outputs: string[], slots: number, batch = 1, retries = 1) {
  const outIds = Int32Array.from(outputs, (k) => g.index.get(k)!);
  const isOut = new Uint8Array(g.size);
  for (const o of outIds) isOut[o] = 1;
  const plan = planBatches(g, order(g, outputs), isOut, batch);
  const m = new SchedulerState(g, plan, { outputs: outIds, slots, retries });
  const rootKey = (b: number) => g.keys[plan.root[b]!]!;
  return { m, plan, rootKey };
}

const executes = (ins: Instruction[]) => ins.filter((i) => i.type === 'dispatch').map((i) => (i as { batch: number }).batch);
const releases = (ins: Instruction[]) => ins.filter((i) => i.type === 'release').map((i) => (i as { batch: number }).batch);
const done = (batch: number) => ({ type: 'batch-finished' as const, batch, worker: 1, start: 0, stop: 1, nbytes: 8 });

describe('SchedulerState', () => {
  it('runs a diamond in dependency order, releasing each result after its last dependent', () => {
    const g = diamond();
    const { m, rootKey } = machineFor(g, ['e', 'b'], 4);
    let ins = m.handle({ type: 'start' });
    expect(m.validate()).toEqual([]);
    expect(executes(ins).map(rootKey)).toEqual(['a']);
    const byKey = new Map<string, number>();
    const run = (keys: string[], instructions: Instruction[]) => {
      for (const b of executes(instructions)) byKey.set(rootKey(b), b);
      expect(executes(instructions).map(rootKey).sort()).toEqual(keys);
    };
    run(['a'], ins);
    ins = m.handle(done(byKey.get('a')!));
    expect(m.validate()).toEqual([]);
    run(['b', 'c'], ins);
    ins = m.handle(done(byKey.get('c')!));
    expect(releases(ins)).toEqual([]); // a is still needed by b
    expect(executes(ins)).toEqual([]);
    ins = m.handle(done(byKey.get('b')!));
    expect(releases(ins).map(rootKey)).toEqual(['a']);
    run(['d'], ins);
    ins = m.handle(done(byKey.get('d')!));
    expect(releases(ins).map(rootKey).sort()).toEqual(['c']); // b is an output: kept
    run(['e'], ins);
    ins = m.handle(done(byKey.get('e')!));
    expect(releases(ins).map(rootKey)).toEqual(['d']);
    expect(ins.at(-1)).toEqual({ type: 'done' });
    expect(m.validate()).toEqual([]);
    expect(m.closed).toBe(true);
  });

  it('keeps at most `slots` batches in flight, lowest priority first', () => {
    const entries: [string, unknown][] = [];
    for (let i = 0; i < 6; i++) entries.push([`leaf,${i}`, task('m#f', i)]);
    entries.push([
      'sum',
      task(
        'm#f',
        Array.from({ length: 6 }, (_, i) => ref(`leaf,${i}`)),
      ),
    ]);
    const g = lowerGraph(entries);
    const { m, rootKey } = machineFor(g, ['sum'], 2);
    const first = executes(m.handle({ type: 'start' }));
    expect(first.map(rootKey)).toEqual(['leaf,0', 'leaf,1']);
    expect(m.inFlight).toBe(2);
    const next = executes(m.handle(done(first[0]!)));
    expect(next.map(rootKey)).toEqual(['leaf,2']);
    expect(m.validate()).toEqual([]);
  });

  it('fails with TaskError naming the failing member, and ignores stimuli afterwards', () => {
    const g = diamond();
    const { m } = machineFor(g, ['e'], 2, 8);
    const [b] = executes(m.handle({ type: 'start' }));
    const ins = m.handle({ type: 'batch-erred', batch: b!, member: 2, error: new Error('boom'), worker: 1, start: 0, stop: 1 });
    const failed = ins.find((i) => i.type === 'fail') as unknown as { error: TaskError };
    expect(failed.error).toBeInstanceOf(TaskError);
    expect(failed.error.cause).toEqual(new Error('boom'));
    expect(m.closed).toBe(true);
    expect(m.handle(done(b!))).toEqual([]);
  });

  it('retries a batch whose worker died, then gives up with WorkerLostError', () => {
    const g = lowerGraph([['only', task('m#f')]]);
    const { m } = machineFor(g, ['only'], 1, 1, 1);
    const [b] = executes(m.handle({ type: 'start' }));
    const again = m.handle({ type: 'worker-lost', batch: b!, error: new Error('exit 7') });
    expect(executes(again)).toEqual([b]);
    expect(m.validate()).toEqual([]);
    const lost = m.handle({ type: 'worker-lost', batch: b!, error: new Error('exit 7') });
    const failed = lost.find((i) => i.type === 'fail') as unknown as { error: WorkerLostError };
    expect(failed.error).toBeInstanceOf(WorkerLostError);
    expect((failed.error as WorkerLostError).attempts).toBe(2);
  });

  it('tells the story of a key', () => {
    const g = diamond();
    const { m, rootKey } = machineFor(g, ['e'], 4);
    const pending = executes(m.handle({ type: 'start' }));
    while (pending.length > 0) {
      const b = pending.shift()!;
      pending.push(...executes(m.handle(done(b))));
      expect(m.validate()).toEqual([]);
      void rootKey;
    }
    const story = m.story('b');
    expect(story.map((s) => `${s.from}->${s.to}`)).toEqual(['waiting->ready', 'ready->running', 'running->memory', 'memory->released']);
    expect(story[2]!.stimulus?.type).toBe('batch-finished');
    expect(m.story('e').at(-1)!.to).toBe('memory');
  });
});
