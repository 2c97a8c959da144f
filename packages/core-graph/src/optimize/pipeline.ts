/**
 * The task-level optimization pipeline: owns the order of the structural passes.
 *
 *   cull         first, so every later pass works only on what the outputs need;
 *   inline       before fusion, so a literal feeding a chain does not end the chain;
 *   fuse-linear  last, on the graph that will actually run.
 *
 * Layer-level rewrites that understand meaning (blockwise fusion, projection and predicate
 * pushdown) run on the high-level graph before materialization, not here. After the passes
 * the pipeline checks its invariant: every output key is still in the graph; the graph it
 * returns indexes its outputs only (withKnownIndex), any other key's lookup builds the table.
 */
import { idsOf, withKnownIndex, type TaskGraph } from '../graph/task-graph.js';
import type { Key, OpId } from '../spec/index.js';
import { cull } from './cull.js';
import { fuseLinear } from './fuse-linear.js';
import { inline } from './inline.js';

/** Switches for each pass (all on by default, as in Dask). */
export interface OptimizeFlags {
  /** Drop tasks the outputs do not need. */
  cull?: boolean;
  /** Inline literals and cheap ops into their dependents. */
  inline?: boolean;
  /** Fuse chains of blockwise layers before materialization (layer level, see fuse-blockwise.ts). */
  blockwise?: boolean;
  /** Fuse linear chains into single tasks. */
  fuse?: boolean;
  /** Ops that `inline` may copy into every dependent. */
  cheapOps?: ReadonlySet<OpId>;
}

/** Runs the enabled passes in order and checks that every output survived. */
export function optimizeGraph(g: TaskGraph, outputs: readonly Key[], flags: OptimizeFlags = {}): TaskGraph {
  let out = g;
  if (flags.cull !== false) out = cull(out, outputs);
  if (flags.inline !== false) out = inline(out, outputs, flags.cheapOps ? { cheapOps: flags.cheapOps } : {});
  if (flags.fuse !== false) out = fuseLinear(out, outputs);
  // The graph goes on to a scheduler, which looks up its outputs only: it keeps no key table.
  return withKnownIndex(out, outputs, idsOf(out, outputs));
}
