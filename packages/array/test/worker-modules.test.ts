import { describe, expect, it } from 'vitest';
import { graphOf, workerModules } from '@tsdask/core-graph';
import * as da from '@tsdask/array';
import { closePool, startPool } from '@tsdask/scheduler-local';

/** Every OpId (`module#export`) in a lowered graph's nodes, nested arguments included. */
function opIds(x: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(x)) for (const v of x) opIds(v, out);
  else if (x !== null && typeof x === 'object') {
    const op = (x as { op?: unknown }).op;
    if (typeof op === 'string' && op.includes('#')) out.add(op);
    for (const v of Object.values(x)) opIds(v, out);
  }
  return out;
}

describe('array kernels load as worker threads start', () => {
  it("registers the module its tasks' OpIds name, and each named kernel is an export of it", async () => {
    // A worker's preload swallows a failed import, so a misspelt name would load nothing: check
    // the registered module against the OpIds that array tasks really name.
    const x = da.ones([6], { chunks: 2 }).add(1).sum();
    const ids = opIds(graphOf([x], {}).graph.nodes);
    const arrayOps = [...ids].filter((id) => id.startsWith('@tsdask/array/'));
    expect(arrayOps.length).toBeGreaterThan(0);
    for (const id of arrayOps) {
      const [mod, name] = id.split('#') as [string, string];
      expect(workerModules()).toContain(mod);
      const m = (await import(mod)) as Record<string, unknown>;
      expect(typeof m[name], id).toBe('function');
    }
  });

  it('computes on a pool started (every worker ready) before the first task', async () => {
    await closePool();
    await startPool({ numWorkers: 2 });
    const got = await da.arange(10, { chunks: 3 }).sum().compute({ scheduler: 'threads' });
    expect(Number(got)).toBe(45);
    await closePool();
  });
});
