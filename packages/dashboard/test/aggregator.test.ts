import { describe, expect, it } from 'vitest';
import { TaskBatchBuilder, type SpillEvent, type TaskEvent } from '@tsdask/core-graph';
import { Aggregator, BAR_FIELDS, NODE_STATE } from '@tsdask/dashboard';

const ev = (key: string, state: TaskEvent['state'], worker: number | string, start = 0, stop = 0, nbytes = 0): TaskEvent => ({
  key,
  group: key.split('-')[0] as string,
  state,
  worker,
  start,
  stop,
  nbytes,
});

/** A spill or unspill event as a scheduler sends it (the running totals do not matter here). */
const spill = (type: SpillEvent['type'], key: string, bytes: number, worker?: number | string): SpillEvent => ({
  type,
  computeId: 'c1',
  key,
  bytes,
  ...(worker !== undefined ? { worker } : {}),
  spillCount: 0,
  unspillCount: 0,
  spilledBytes: 0,
  held: 0,
});

/** Feeds events as a scheduler would: one columnar batch (with its own key and group tables). */
const feed = (a: Aggregator, events: TaskEvent[]): void => a.taskBatch(TaskBatchBuilder.fromEvents(events));

function started(): Aggregator {
  const a = new Aggregator({ now: () => 1000 });
  a.start({
    computeId: 'c1',
    scheduler: 'test',
    ntasks: 4,
    workers: 2,
    groups: new Map([
      ['inc', 3],
      ['add', 1],
    ]),
    keys: ['inc-a,0', 'inc-a,1', 'inc-a,2', 'add-b'],
    groupOf: Int32Array.from([0, 0, 0, 1]),
    graph: { keys: ['inc-a,0', 'inc-a,1', 'inc-a,2', 'add-b'], depPtr: Int32Array.from([0, 0, 0, 0, 3]), depIdx: Int32Array.from([0, 1, 2]) },
  });
  return a;
}

describe('Aggregator', () => {
  it('counts progress per group and tasks and bytes per worker', () => {
    const a = started();
    feed(a, [ev('inc-a,0', 'running', -1), ev('inc-a,1', 'running', -1)]);
    feed(a, [ev('inc-a,0', 'memory', 1, 5, 9, 100), ev('inc-a,1', 'memory', 1, 5, 9, 50), ev('inc-a,2', 'memory', 'tcp://h:1', 6, 8, 30)]);
    const b = a.flush()!;
    expect(b.done).toBe(3);
    expect(b.progress.find((p) => p.group === 0)).toEqual({ group: 0, done: 3, erred: 0, running: 0 });
    expect(b.newWorkers.map((w) => w.name)).toEqual(['thread 1', 'tcp://h:1']);
    expect(b.workers.find((w) => w.id === 0)).toMatchObject({ done: 2, held: 150, peak: 150, results: 2 });
    // Two tasks of one group with the same start and stop on one worker share a bar.
    expect(b.bars.length).toBe(2 * BAR_FIELDS);
    expect(b.bars.slice(0, BAR_FIELDS)).toEqual([0, 0, 5, 9, 2, 0]);
    expect(b.nodes).toEqual([0, NODE_STATE.running, 1, NODE_STATE.running, 0, NODE_STATE.memory, 1, NODE_STATE.memory, 2, NODE_STATE.memory]);
    expect(a.flush()).toBeNull();

    feed(a, [ev('inc-a,0', 'released', 1), ev('add-b', 'memory', 1, 10, 11, 8)]);
    const b2 = a.flush()!;
    expect(b2.workers.find((w) => w.id === 0)).toMatchObject({ held: 58, peak: 150, done: 3, results: 2 });
    expect(b2.progress).toEqual([{ group: 1, done: 1, erred: 0, running: 0 }]);
  });

  it('moves bytes on spill events and takes worker-memory reports as given', () => {
    const a = started();
    feed(a, [ev('inc-a,0', 'memory', 2, 1, 2, 1000)]);
    a.event(spill('spill', 'inc-a,0', 1000, 2));
    a.event({ type: 'worker-memory', computeId: 'c1', worker: 'tcp://h:2', held: 64, spilled: 5 });
    const b = a.flush()!;
    expect(b.workers.find((w) => w.id === 0)).toMatchObject({ held: 0, spilled: 1000, peak: 1000 });
    expect(b.workers.find((w) => w.id === 1)).toMatchObject({ held: 64, spilled: 5 });
  });

  it('follows the local scheduler spill events by key (no worker given)', () => {
    const a = started();
    feed(a, [ev('inc-a,0', 'memory', 1, 1, 2, 800), ev('inc-a,1', 'memory', 1, 1, 3, 200)]);
    a.event({
      type: 'memory',
      computeId: 'c1',
      worker: 'scheduler',
      held: 1000,
      spilled: 0,
      limit: 2000,
      paused: false,
      spillCount: 0,
      unspillCount: 0,
      maxHeld: 1000,
    });
    a.event(spill('spill', 'inc-a,0', 800));
    let b = a.flush()!;
    expect(b.newWorkers.map((w) => w.name)).toEqual(['thread 1']);
    expect(b.workers).toEqual([{ id: 0, done: 2, erred: 0, held: 200, peak: 1000, spilled: 800, results: 1 }]);
    a.event(spill('unspill', 'inc-a,0', 800));
    b = a.flush()!;
    expect(b.workers[0]).toMatchObject({ held: 1000, spilled: 0, results: 2 });
    a.event(spill('spill', 'inc-a,1', 200));
    feed(a, [ev('inc-a,1', 'released', 1)]);
    b = a.flush()!;
    expect(b.workers[0]).toMatchObject({ held: 800, spilled: 0, results: 1 });
  });

  it('shows what runs now, by worker and group, until the next report or the end', () => {
    const a = started();
    a.event({
      type: 'running',
      computeId: 'c1',
      running: [
        { worker: 3, key: 'inc-a,1', task: 1, start: 5 },
        { worker: 'tcp://h:1', key: 'add-b', start: 7 },
      ],
    });
    let b = a.flush()!;
    expect(b.newWorkers.map((w) => w.name)).toEqual(['thread 3', 'tcp://h:1']);
    expect(b.running).toEqual([0, 0, 5, 1, 1, 7]);
    a.event({ type: 'running', computeId: 'c1', running: [{ worker: 3, key: 'inc-a,2', task: 2, start: 9 }] });
    b = a.flush()!;
    expect(b.running).toEqual([0, 0, 9]);
    a.finish({ computeId: 'c1', ok: true, elapsedMs: 20 });
    b = a.flush()!;
    expect(b.running).toEqual([]);
  });

  it('lists failed keys with the compute error message', () => {
    const a = started();
    feed(a, [ev('inc-a,1', 'erred', 1, 3, 4)]);
    const err = Object.assign(new Error('boom'), { name: 'TaskError', key: 'inc-a,1' });
    a.finish({ computeId: 'c1', ok: false, error: err, elapsedMs: 12 });
    const b = a.flush()!;
    expect(b.erred).toBe(1);
    expect(b.errors).toEqual([{ key: 'inc-a,1', group: 'inc', worker: 0, message: 'TaskError: boom', time: 4 }]);
    expect(b.bars.slice(0, BAR_FIELDS)).toEqual([0, 0, 3, 4, 1, 1]);
  });

  it('caps bars per batch and keeps a snapshot for late pages', () => {
    const a = new Aggregator({ maxBars: 3 });
    a.start({
      computeId: 'c',
      scheduler: 't',
      ntasks: 5,
      workers: 1,
      groups: new Map([['x', 5]]),
      keys: ['x-0', 'x-1', 'x-2', 'x-3', 'x-4'],
      groupOf: new Int32Array(5),
    });
    feed(
      a,
      [0, 1, 2, 3, 4].map((i) => ev(`x-${i}`, 'memory', 0, i, i + 1)),
    );
    const b = a.flush()!;
    expect(b.bars.length / BAR_FIELDS).toBe(3);
    expect(b.droppedBars).toBe(2);
    const hello = a.hello();
    expect(hello.compute?.groups).toEqual(['x']);
    expect(hello.state?.done).toBe(5);
    expect(hello.state?.bars.length).toBe(3 * BAR_FIELDS);
    expect(hello.state?.progress).toEqual([{ group: 0, done: 5, erred: 0, running: 0 }]);
  });

  it('announces a group that only a task batch named once, and lists it once', () => {
    const a = started();
    // 'mul' is not among the start's groups: the first batch after it announces it.
    feed(a, [ev('mul-c,0', 'memory', 1, 1, 2, 8)]);
    const first = a.flush()!;
    expect(first.newGroups).toEqual(['mul']);
    expect(first.progress).toEqual([{ group: 2, done: 1, erred: 0, running: 0 }]);
    feed(a, [ev('mul-c,1', 'memory', 1, 2, 3, 8), ev('inc-a,0', 'memory', 1, 2, 3, 8)]);
    const second = a.flush()!;
    expect(second.newGroups).toEqual([]);
    expect(a.compute?.groups).toEqual(['inc', 'add', 'mul']);
    expect(a.compute?.totals).toEqual([3, 1, 0]);
    expect(a.hello().compute?.groups).toEqual(['inc', 'add', 'mul']);
  });
});
