/**
 * How every writer answers (array's toNpy / toZarr, dataframe's toCSV / toParquet), as Dask's
 * `compute=True/False`: the writer builds the graph of its write tasks and one key whose value
 * is the list of paths written; by default that is computed now and the call resolves to the
 * paths; with `{ compute: false }` it is a Delayed<string[]> that writes when computed, so
 * several writes run in one `compute(a, b)`. Nothing is written before that compute.
 */
import { Delayed } from './delayed.js';
import { ConfigError } from './errors.js';
import type { HighLevelGraph } from './layers/high-level-graph.js';
import { show } from './options/checks.js';
import type { ComputeOptions } from './schedulers.js';
import type { Key } from './spec/index.js';

/** The option every writer takes besides its own and the compute options. */
export interface WriteOptions {
  /** Write now and resolve to the paths (default), or false: return a Delayed that writes when computed. */
  compute?: boolean;
}

/** The graph of a writer's tasks and the key of the list of paths they write. */
export interface WritePlan {
  graph: HighLevelGraph;
  key: Key;
}

/**
 * Runs a writer: `plan()` builds its tasks; `opts` are the compute options (and `compute`).
 * With compute true, every error (of the plan or of the options) rejects the promise.
 */
export function writeResult(site: string, plan: () => WritePlan, opts: WriteOptions & ComputeOptions): Promise<string[]> | Delayed<string[]> {
  const { compute = true, ...computeOpts } = opts;
  if (compute === false) {
    const given = Object.keys(computeOpts);
    if (given.length > 0) {
      throw new ConfigError(
        `${site}(..., { compute: false }): ${given.map((k) => `'${k}'`).join(', ')} ${given.length === 1 ? 'is a compute option' : 'are compute options'}; a write with compute: false runs when computed, so give ${given.length === 1 ? 'it' : 'them'} to compute(...) instead.`,
        { option: given[0] as string },
      );
    }
    const { graph, key } = plan();
    return Delayed.fromGraph<string[]>(graph, key);
  }
  try {
    if (compute !== true) throw new ConfigError(`${site}(): compute must be true or false, got ${show(compute)}.`, { option: 'compute' });
    const { graph, key } = plan();
    return Delayed.fromGraph<string[]>(graph, key).compute(computeOpts);
  } catch (err) {
    return Promise.reject(err);
  }
}
