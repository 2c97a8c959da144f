/**
 * The local result store on its own, with a fake runner that records what it is asked to run:
 * outputs already held or pending are not run again, graphs naming held keys get their values,
 * a failed input fails its readers with the same error, and references decide what stays.
 */
import { describe, expect, it } from 'vitest';
import { CancelledError, held, lowerGraph, NotHeldError, type Key, type Node, type TaskGraph } from '@tsdask/core-graph';
import { HeldResults, type GraphRunner, type RunHooks } from '@tsdask/scheduler-local';

interface Call {
  outputs: readonly Key[];
  held: Map<Key, unknown>;
  finish(values: unknown[]): void;
  fail(err: unknown): void;
}

/** A runner whose runs the test finishes by hand (a cancelled one rejects as runGraph does). */
function fakeRunner(): { runner: GraphRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: GraphRunner = (g: TaskGraph, outputs, opts, hooks: RunHooks) =>
    new Promise<unknown[]>((resolve, reject) => {
      opts.signal?.addEventListener('abort', () => reject(new CancelledError(opts.signal?.reason)), { once: true });
      const heldValues = new Map<Key, unknown>();
      for (const [id, v] of hooks.held ?? []) heldValues.set(g.keys[id] as Key, v);
      calls.push({ outputs, held: heldValues, finish: resolve, fail: reject });
    });
  return { runner, calls };
}

const graph = (entries: [Key, Node][]): TaskGraph => lowerGraph(entries);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('HeldResults', () => {
  it('runs an output once while it is pending or held, and counts a reference per handle', async () => {
    const { runner, calls } = fakeRunner();
    const store = new HeldResults('fake', runner);
    const g = graph([['a', 1]]);
    const first = store.run(g, ['a'], {});
    const second = store.run(g, ['a'], {});
    await tick();
    expect(calls.length).toBe(1);
    calls[0]!.finish([10]);
    await Promise.all([first.done, second.done]);
    expect(store.heldKeys().get('a')).toBe(2);
    store.run(g, ['a'], {});
    await tick();
    expect(calls.length).toBe(1);
    expect(await store.gather(['a'])).toEqual([10]);
    store.release(['a', 'a']);
    expect(store.heldKeys().get('a')).toBe(1);
    store.release(['a']);
    expect(store.heldKeys().size).toBe(0);
  });

  it('feeds held values to graphs that name them, after waiting for a pending one', async () => {
    const { runner, calls } = fakeRunner();
    const store = new HeldResults('fake', runner);
    const a = store.run(graph([['a', 1]]), ['a'], {});
    const b = store.run(
      graph([
        ['a', held('a')],
        ['b', { op: 'x#y', args: [{ ref: 'a' }] }],
      ]),
      ['b'],
      {},
    );
    await tick();
    expect(calls.map((c) => c.outputs)).toEqual([['a']]); // b waits for a
    expect(store.heldKeys().get('a')).toBe(2); // a's handle and b's run
    calls[0]!.finish([5]);
    await a.done;
    await tick();
    expect(calls[1]!.outputs).toEqual(['b']);
    expect(calls[1]!.held).toEqual(new Map([['a', 5]]));
    calls[1]!.finish([6]);
    await b.done;
    expect(store.heldKeys().get('a')).toBe(1); // b's run let go of it
    store.release(['a', 'b']);
    expect(store.heldKeys().size).toBe(0);
  });

  it('fails the readers of a failed result with its error; cancel stops a run and its readers', async () => {
    const { runner, calls } = fakeRunner();
    const store = new HeldResults('fake', runner);
    const a = store.run(graph([['a', 1]]), ['a'], {});
    const b = store.run(
      graph([
        ['a', held('a')],
        ['b', { op: 'x#y', args: [{ ref: 'a' }] }],
      ]),
      ['b'],
      {},
    );
    await tick();
    const boom = new Error('boom');
    calls[0]!.fail(boom);
    await expect(a.done).rejects.toBe(boom);
    await expect(b.output(0)).rejects.toBe(boom);
    expect(calls.length).toBe(1);
    store.release(['a', 'b']);
    expect(store.heldKeys().size).toBe(0);

    const c = store.run(graph([['c', 1]]), ['c'], {});
    const d = store.run(
      graph([
        ['c', held('c')],
        ['d', { op: 'x#y', args: [{ ref: 'c' }] }],
      ]),
      ['d'],
      {},
    );
    await tick();
    store.cancel(['c']);
    await expect(c.done).rejects.toBeInstanceOf(CancelledError);
    await expect(d.done).rejects.toBeInstanceOf(CancelledError);
    store.release(['c', 'd']);
    expect(store.heldKeys().size).toBe(0);
  });

  it('refuses a graph naming a key it does not hold', async () => {
    const { runner } = fakeRunner();
    const store = new HeldResults('fake', runner);
    store.scatter(new Map([['other', 1]]));
    const r = store.run(
      graph([
        ['gone', held('gone')],
        ['x', { op: 'x#y', args: [{ ref: 'gone' }] }],
      ]),
      ['x'],
      {},
    );
    await expect(r.done).rejects.toBeInstanceOf(NotHeldError);
    store.release(['x', 'other']);
    expect(store.heldKeys().size).toBe(0);
  });
});
