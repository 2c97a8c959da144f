// Compile-time checks of the public types (run by vitest's typecheck mode with tsc).
import { describe, expectTypeOf, it } from 'vitest';
import { compute, delayed, op, type Delayed, type SchedulerEventType } from '@tsdask/core-graph';

describe('delayed types', () => {
  const inc = delayed((x: number) => x + 1);
  const add = delayed((a: number, b: number) => a + b);

  it('types calls and their results', () => {
    expectTypeOf(inc(1)).toEqualTypeOf<Delayed<number>>();
    expectTypeOf(add(inc(1), 2)).toEqualTypeOf<Delayed<number>>();
    expectTypeOf(delayed(async (s: string) => s.length)('ab')).toEqualTypeOf<Delayed<number>>();
    expectTypeOf(inc(1).compute()).resolves.toEqualTypeOf<number>();
    // @ts-expect-error a string is not a number
    inc('no');
    // @ts-expect-error a Delayed<string> is not a number either
    inc(delayed('no'));
  });

  it('types compute() of several collections, passing other values through', () => {
    expectTypeOf(compute(inc(1), delayed('s'), 7)).resolves.toEqualTypeOf<[number, string, number]>();
  });

  it('types compute() with trailing options: the options are not a result, and they are checked', () => {
    expectTypeOf(compute(inc(1), delayed('s'), { scheduler: 'sync' })).resolves.toEqualTypeOf<[number, string]>();
    const parts = [inc(1), inc(2)];
    expectTypeOf(compute(...parts, { scheduler: 'sync' })).resolves.toEqualTypeOf<number[]>();
    // Callbacks in the options get their parameter types (no implicit any under strict).
    void compute(inc(1), { callbacks: [{ event: (e) => expectTypeOf(e.type).toEqualTypeOf<SchedulerEventType>() }] });
  });

  it('types item access, method calls and nested arguments', () => {
    const obj = delayed(() => ({ name: 'x', n: 1 }))();
    expectTypeOf(obj.get('name')).toEqualTypeOf<Delayed<string>>();
    expectTypeOf(obj.get('name').call('toUpperCase')).toEqualTypeOf<Delayed<string>>();
    const count = delayed((o: { xs: number[] }) => o.xs.length);
    expectTypeOf(count({ xs: [inc(1), 2] })).toEqualTypeOf<Delayed<number>>();
    expectTypeOf(delayed(op('file:///m.mjs', 'f'))(1)).toEqualTypeOf<Delayed<unknown>>();
  });
});
