/**
 * emitEvent: one event reaches each subscriber's `event` hook (filtered by `eventTypes`) and the
 * shortcut hook of its kind; `tasks` gets the batch's rows as objects; a subscriber that throws
 * is skipped without stopping the others. `listens` says which kinds anyone receives.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emitEvent, listens, TaskBatchBuilder, type Callbacks, type SchedulerEvent, type TaskEvent } from '@tsdask/core-graph';

afterEach(() => vi.restoreAllMocks());

const rows: TaskEvent[] = [
  { key: 'inc-a,0', group: 'inc', state: 'running', worker: 7, start: 1, stop: 0, nbytes: 0 },
  { key: 'inc-a,0', group: 'inc', state: 'memory', worker: 7, start: 1, stop: 3, nbytes: 8 },
];
const batch: SchedulerEvent = { type: 'task-batch', computeId: 'c', batch: TaskBatchBuilder.fromEvents(rows) };
const memory: SchedulerEvent = {
  type: 'memory',
  computeId: 'c',
  worker: 'scheduler',
  held: 8,
  spilled: 0,
  limit: 100,
  paused: false,
  spillCount: 0,
  unspillCount: 0,
  maxHeld: 8,
};
const finish: SchedulerEvent = { type: 'compute-finish', computeId: 'c', ok: true, elapsedMs: 4 };

describe('emitEvent', () => {
  it('serves the event hook and the shortcut of each kind', () => {
    const seen: string[] = [];
    const all: Callbacks = { event: (e) => seen.push(`all:${e.type}`) };
    const some: Callbacks = { eventTypes: ['memory'], event: (e) => seen.push(`some:${e.type}`) };
    let objects: readonly TaskEvent[] = [];
    const shortcuts: Callbacks = {
      taskBatch: (b, id) => seen.push(`taskBatch:${b.length}:${id}`),
      tasks: (evs) => (objects = evs),
      finish: (info) => seen.push(`finish:${info.ok}`),
    };
    for (const e of [batch, memory, finish]) emitEvent([all, some, shortcuts], e);
    expect(seen).toEqual(['all:task-batch', 'taskBatch:2:c', 'all:memory', 'some:memory', 'all:compute-finish', 'finish:true']);
    expect(objects).toEqual(rows);
  });

  it('skips a subscriber that throws and goes on with the others', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const got: string[] = [];
    const bad: Callbacks = {
      event: () => {
        throw new Error('broken subscriber');
      },
      finish: () => got.push('bad finish still runs'),
    };
    emitEvent([bad, { finish: () => got.push('next') }], finish);
    expect(got).toEqual(['bad finish still runs', 'next']);
    expect(err).toHaveBeenCalledTimes(1);
  });
});

describe('listens', () => {
  it('is true for a kind only when some subscriber receives it', () => {
    const progress: Callbacks = { eventTypes: ['compute-start', 'task-batch', 'compute-finish'], event: () => {} };
    expect(listens([progress], 'task-batch')).toBe(true);
    expect(listens([progress], 'memory')).toBe(false);
    expect(listens([{ tasks: () => {} }], 'task-batch')).toBe(true);
    expect(listens([{ finish: () => {} }], 'running')).toBe(false);
    expect(listens([{ event: () => {} }], 'running')).toBe(true);
    expect(listens([], 'compute-start')).toBe(false);
  });
});
