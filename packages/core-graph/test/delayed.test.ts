import { describe, expect, it } from 'vitest';
import { compute, delayed, Delayed, graphOf, persist, TaskError } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

const sync = { scheduler: 'sync' } as const;

describe('delayed', () => {
  it('records calls lazily and computes them', async () => {
    let calls = 0;
    const inc = delayed((x: number) => {
      calls++;
      return x + 1;
    });
    const x = inc(inc(1));
    expect(x).toBeInstanceOf(Delayed);
    expect(calls).toBe(0);
    expect(await x.compute(sync)).toBe(3);
    expect(calls).toBe(2);
  });

  it('finds delayed values nested in arrays and plain objects', async () => {
    const id = delayed((v: number) => v);
    const sum = delayed((o: { xs: number[]; y: { z: number } }) => o.xs.reduce((a, b) => a + b, 0) + o.y.z);
    const r = sum({ xs: [id(1), 2, id(3)], y: { z: id(10) } });
    expect(r.deps.length).toBe(3);
    expect(await r.compute(sync)).toBe(16);
  });

  it('passes plain values through untouched, even ones shaped like graph nodes', async () => {
    const echo = delayed((v: unknown) => v);
    const tricky = { ref: 'not-a-key', op: 'nope', args: [] };
    expect(await echo(tricky).compute(sync)).toEqual(tricky);
    expect(await delayed(tricky).compute(sync)).toEqual(tricky);
  });

  it('wraps values, including containers of delayed values', async () => {
    const inc = delayed((x: number) => x + 1);
    expect(await delayed(5).compute(sync)).toBe(5);
    expect(await delayed([inc(1), 7]).compute(sync)).toEqual([2, 7]);
    const d = inc(1);
    expect(delayed(d)).toBe(d);
  });

  it('gives deterministic keys with pure: true and unique keys otherwise', () => {
    const f = (a: number, b: number) => a * b;
    const pure = delayed(f, { pure: true });
    const impure = delayed(f);
    expect(pure(2, 3).key).toBe(delayed(f, { pure: true })(2, 3).key);
    expect(pure(2, 3).key).not.toBe(pure(3, 2).key);
    expect(impure(2, 3).key).not.toBe(impure(2, 3).key);
    expect(pure(2, 3).key).toMatch(/^f-[0-9a-f]{32}$/);
    expect(delayed(f, { name: 'mul', pure: true })(1, 1).key.startsWith('mul-')).toBe(true);
  });

  it('computes shared work once across several collections', async () => {
    let calls = 0;
    const load = delayed(() => {
      calls++;
      return 10;
    });
    const base = load();
    const a = delayed((x: number) => x + 1)(base);
    const b = delayed((x: number) => x * 2)(base);
    expect(await compute(a, b, 'plain', sync)).toEqual([11, 20, 'plain']);
    expect(calls).toBe(1);
  });

  it('supports item access and method calls', async () => {
    const obj = delayed(() => ({ xs: [1, 2, 3], name: 'abc' }))();
    expect(await obj.get('name').compute(sync)).toBe('abc');
    expect(await obj.get('name').call('toUpperCase').compute(sync)).toBe('ABC');
  });

  it('awaits async functions', async () => {
    const slow = delayed(async (x: number) => {
      await new Promise((r) => setTimeout(r, 5));
      return x * 3;
    });
    expect(await delayed((a: number, b: number) => a + b)(slow(1), slow(2)).compute(sync)).toBe(9);
  });

  it('passes every argument as given, however many (explicit undefined too), as a plain call does', async () => {
    // the delayed function takes its arguments by arity (array literals up to 4, then the rest)
    const all = (...xs: unknown[]): unknown[] => [xs.length, ...xs];
    const f = delayed(all, { name: 'all' });
    const id = delayed((v: unknown) => v);
    for (let n = 0; n <= 7; n++) {
      const plain = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? undefined : i % 2 === 0 ? i * 10 : `s${i}`));
      const lazy = plain.map((v, i) => (i % 2 === 1 ? id(v) : v));
      const d = (f as unknown as (...a: unknown[]) => Delayed)(...lazy);
      expect(d.key.startsWith('all-')).toBe(true);
      expect(await d.compute(sync)).toEqual(all(...plain));
      const threads = (f as unknown as (...a: unknown[]) => Delayed)(...lazy);
      expect(await threads.compute({ scheduler: 'threads' })).toEqual(all(...plain));
    }
    const pure = delayed(all, { pure: true, name: 'all' }) as unknown as (...a: unknown[]) => Delayed;
    expect(pure(1, 2, 3, 4, 5).key).toBe(pure(1, 2, 3, 4, 5).key);
    expect(pure(1, 2, 3, 4, 5).key).not.toBe(pure(1, 2, 3, 4, 5, undefined).key);
  });

  it('names the failing call by its key, whatever the number of its arguments', async () => {
    const boom = delayed((...xs: number[]) => {
      if (xs.length > 4) throw new Error(`too many: ${xs.length}`);
      return xs.length;
    }) as unknown as (...a: unknown[]) => Delayed;
    const ok = boom(1, 2);
    const bad = boom(1, 2, 3, 4, 5, 6);
    expect(await ok.compute(sync)).toBe(2);
    for (const scheduler of ['sync', 'threads'] as const) {
      const err = await bad.compute({ scheduler }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TaskError);
      expect((err as TaskError).key).toBe(bad.key);
      expect((err as TaskError).message).toContain(`'${bad.key}'`);
      expect((err as TaskError).message).toContain('too many: 6');
    }
  });

  it('persists: the persisted value holds the result and does not recompute', async () => {
    let calls = 0;
    const x = delayed(() => {
      calls++;
      return 42;
    })();
    const [p] = await persist(x, sync);
    expect(p.key).toBe(x.key);
    expect(await delayed((v: number) => v + 1)(p).compute(sync)).toBe(43);
    expect(calls).toBe(1);
    expect(await (await x.persist(sync)).compute(sync)).toBe(42);
  });
});

describe('lowering shared Delayed values in several graphs', () => {
  it('gives each graph its own ids: an id left by an earlier lowering never counts as visited', () => {
    const add = delayed((a: number, b: number) => a + b, { name: 'add' });
    const leaves = Array.from({ length: 6 }, (_, i) => delayed(i));
    // the first graph numbers leaves 0..5 (and more); the second reaches the same leaves in another order
    const first = add(add(leaves[0]!, leaves[1]!), add(leaves[2]!, add(leaves[3]!, add(leaves[4]!, leaves[5]!))));
    const second = add(add(leaves[5]!, leaves[3]!), add(leaves[1]!, leaves[5]!));
    const noOpt = { optimize: { cull: false, inline: false, fuse: false } };
    for (const [root, want] of [
      [second, ['add', 'add', 'add', 'number', 'number', 'number']],
      [first, ['add', 'add', 'add', 'add', 'add', 'number', 'number', 'number', 'number', 'number', 'number']],
      [second, ['add', 'add', 'add', 'number', 'number', 'number']],
    ] as const) {
      const { graph } = graphOf([root], noOpt);
      expect(graph.keys.map((k) => k.split('-')[0]).sort()).toEqual(want);
      // every dependency is the task its ref names, and comes before it
      for (let i = 0; i < graph.size; i++) {
        const deps = Array.from(graph.depIdx.subarray(graph.depPtr[i], graph.depPtr[i + 1]), (d) => graph.keys[d]);
        const refs = JSON.stringify(graph.nodes[i]).match(/"ref":"[^"]+"/g) ?? [];
        expect(deps.sort()).toEqual([...new Set(refs.map((r) => r.slice(7, -1)))].sort());
        for (let e = graph.depPtr[i]!; e < graph.depPtr[i + 1]!; e++) expect(graph.depIdx[e]!).toBeLessThan(i);
      }
    }
  });
});
