import { describe, expect, it } from 'vitest';
import { Collection, HighLevelGraph, lowerGraph, MaterializedLayer, registerScheduler, type Key, type TaskGraph } from '@tsdask/core-graph';

/** What happened, in order: the scheduler's prepare, the collection's lowering, the run. */
const events: string[] = [];

/** One task `k`, whose lowering is recorded in `events`. */
class Recorded extends Collection<number> {
  get graph(): HighLevelGraph {
    return new HighLevelGraph([new MaterializedLayer('k', new Map([['k', 7]]))]);
  }
  get outputKeys(): readonly Key[] {
    return ['k'];
  }
  finalize(values: readonly unknown[]): number {
    return values[0] as number;
  }
  override lowerDirect(): TaskGraph {
    events.push('lower');
    return lowerGraph([['k', 7]]);
  }
}

describe("a scheduler's prepare()", () => {
  it('is called with the compute options before the graph is lowered, so a pool boots while lowering runs', async () => {
    const held = new Map<Key, unknown>();
    registerScheduler({
      name: 'prepare-order',
      prepare: (opts) => void events.push(`prepare ${String(opts.numWorkers)}`),
      run: (g, keys) => {
        events.push('run');
        for (const k of keys) held.set(k, g.nodes[g.index.get(k) as number]);
        const done = Promise.resolve();
        return { keys, done, output: () => done };
      },
      gather: async (keys) => keys.map((k) => held.get(k)),
      release: () => {},
      scatter: () => {},
      cancel: () => {},
      heldKeys: () => new Map(),
    });
    expect(await new Recorded().compute({ scheduler: 'prepare-order', numWorkers: 3 })).toBe(7);
    expect(events).toEqual(['prepare 3', 'lower', 'run']);
  });
});
