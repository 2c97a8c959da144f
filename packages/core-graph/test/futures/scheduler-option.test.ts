/**
 * The `scheduler` option takes a Scheduler object or a client that gives one (`asScheduler()`,
 * as a distributed Client), not only a name; anything else is a ConfigError. And the futures
 * Client's collection side: compute(collection) -> Future, persist, scatter, nested gather.
 */
import { describe, expect, it } from 'vitest';
import {
  Collection,
  compute,
  ConfigError,
  delayed,
  getClient,
  getScheduler,
  HighLevelGraph,
  isFuture,
  MaterializedLayer,
  type Node,
  type Scheduler,
} from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

const add = (a: number, b: number): number => a + b;

/** A collection of two keys whose result is built from both (10 * first + second). */
class Pair extends Collection<number> {
  constructor(
    readonly a: number,
    readonly b: number,
  ) {
    super();
  }
  get graph(): HighLevelGraph {
    const tasks = new Map<string, Node>([
      [`pair-${this.a}-${this.b},0`, this.a],
      [`pair-${this.a}-${this.b},1`, this.b],
    ]);
    return new HighLevelGraph([new MaterializedLayer(`pair-${this.a}-${this.b}`, tasks, [])]);
  }
  get outputKeys(): string[] {
    return [`pair-${this.a}-${this.b},0`, `pair-${this.a}-${this.b},1`];
  }
  finalize(values: readonly unknown[]): number {
    return 10 * (values[0] as number) + (values[1] as number);
  }
}

describe('the scheduler option', () => {
  it('takes a Scheduler object', async () => {
    const s = await getScheduler('sync');
    expect(await compute(delayed(add)(2, 3), { scheduler: s })).toEqual([5]);
    expect(s.heldKeys().size).toBe(0);
  });

  it('takes an object with asScheduler(), and calls it', async () => {
    const s = await getScheduler('sync');
    let asked = 0;
    const provider = {
      asScheduler: (): Scheduler => {
        asked++;
        return s;
      },
    };
    expect(await compute(delayed(add)(4, 5), { scheduler: provider })).toEqual([9]);
    expect(asked).toBeGreaterThan(0);
    const f = getClient({ scheduler: provider }).submit(add, 1, 1);
    expect(await f.result()).toBe(2);
    f.release();
  });

  it('rejects any other object with ConfigError naming the option', async () => {
    const err = await compute(delayed(add)(1, 2), { scheduler: { name: 'fake' } as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/scheduler/);
    expect(() => getClient({ scheduler: 42 as never })).toThrow(ConfigError);
  });
});

describe('Client: collections, scatter, nested gather', () => {
  it('compute(collection) gives a Future of what compute() gives; several collections give several', async () => {
    const c = getClient({ scheduler: 'sync' });
    const d = delayed(add)(delayed(add)(1, 2), 4);
    const f = c.compute(d);
    expect(isFuture(f)).toBe(true);
    expect(await f.result()).toBe(7);
    const [g, h] = c.compute([d, delayed(add)(10, 20)]);
    expect(await c.gather([g, h])).toEqual([7, 30]);
    const pair = c.compute(new Pair(3, 4));
    expect(await pair.result()).toBe(34);
    expect(await c.gather({ p: pair })).toEqual({ p: 34 });
    f.release();
    g.release();
    h.release();
    pair.release();
    expect((await getScheduler('sync')).heldKeys().size).toBe(0);
  });

  it('persist keeps the results for later graphs; scatter puts a value there under a typed key', async () => {
    const c = getClient({ scheduler: 'sync' });
    const [p] = await c.persist([delayed(add)(5, 6)]);
    expect(await compute(delayed(add)(p, 1), { scheduler: 'sync' })).toEqual([12]);
    const xs = c.scatter(new Float64Array([1, 2, 3]));
    expect(xs.key.startsWith('Float64Array-')).toBe(true);
    expect(c.scatter(new Float64Array([1, 2, 3])).key).toBe(xs.key);
    const total = c.submit((v: Float64Array) => v[0]! + v[1]! + v[2]!, xs);
    expect(await total.result()).toBe(6);
  });

  it('gather takes arrays and plain objects nesting futures; other values pass through', async () => {
    const c = getClient({ scheduler: 'sync' });
    const a = c.submit(add, 1, 2);
    const b = c.submit(add, 3, 4);
    expect(await c.gather({ a, list: [b, 'x', { deep: a }], n: 5 })).toEqual({ a: 3, list: [7, 'x', { deep: 3 }], n: 5 });
    expect(await c.gather([a, b])).toEqual([3, 7]);
    expect(await c.gather(a)).toBe(3);
  });
});
