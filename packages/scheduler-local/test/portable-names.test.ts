import { describe, expect, it } from 'vitest';
import { delayed, getClient, NotPortableError, op, type DelayedFunction } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

const threads = { scheduler: 'threads' } as const;

describe('functions from notebooks and TypeScript runners on worker threads', () => {
  it("NotPortableError names the user's function (its name, not an arrow's first parameter)", async () => {
    const k = 3;
    const scale = (v: number): number => v * k;
    const err = await delayed(scale)(1)
      .compute(threads)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotPortableError);
    expect((err as NotPortableError).functionName).toBe('scale');
    expect((err as Error).message).toContain("Function 'scale' cannot run on worker threads");
    expect((err as Error).message).toContain("'k'");
  });

  it('an anonymous function is named by the start of its source', async () => {
    const k = 3;
    const anonymous = [(v: number) => v * k][0]!;
    expect(anonymous.name).toBe('');
    const err = (await delayed(anonymous)(1)
      .compute(threads)
      .catch((e: unknown) => e)) as NotPortableError;
    expect(err.functionName).not.toBe('v');
    expect(err.functionName).toContain('=>');
  });

  it("op('./path.mjs', name) runs a module's export, resolved against the working directory", async () => {
    // the module the quickstart notebook uses: scale(v) = v * 2 through a module constant
    const scale = delayed(op('./examples/helpers.mjs', 'scale')) as DelayedFunction<(v: number) => number>;
    expect(await scale(21).compute(threads)).toBe(42);
    const client = getClient(threads);
    expect(await client.submit(op('./examples/helpers.mjs', 'scale'), 5).result()).toBe(10);
  });
});
