/**
 * cumsum and cumprod along an axis: each block is accumulated on its own, then the carries of
 * the blocks before it (a chain along the axis) are added (multiplied) in.
 */
import { HighLevelGraph, ref, task, tokenize } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import { newArray } from './factory.js';
import { normalizeAxis } from './chunks.js';
import { kindOf } from './dtype.js';
import { astype } from './elementwise.js';
import { blockKey, ChunkLayer, K } from './layer.js';
import { checkOptions } from './options.js';

/** Options of cumsum / cumprod. */
export interface CumOptions {
  /** The axis (default: the flattened array, as in NumPy). */
  axis?: number;
}

/** The running sum or product along an axis. */
export function cumulative(kind: 'cumsum' | 'cumprod', x0: DaskArray, opts: CumOptions = {}): DaskArray {
  checkOptions(kind, opts, ['axis']);
  let x = x0;
  if (opts.axis === undefined) x = x.ravel();
  const axis = normalizeAxis(kind, opts.axis ?? 0, x.ndim);
  if (kindOf(x.dtype) !== 'f') x = astype(x, 'int64');
  const tok = tokenize(kind, x.name, axis);
  const nb = x.numblocks;
  const local = `${kind}-local-${tok}`;
  const last = `${kind}-last-${tok}`;
  const carry = `${kind}-carry-${tok}`;
  const out = `${kind}-${tok}`;
  let g = HighLevelGraph.fromLayer(
    new ChunkLayer(local, `${kind}-local`, nb, [x.name], (idx) => task(K('cumulate'), kind, ref(blockKey(x.name, idx)), axis)),
    x.graph,
  );
  g = HighLevelGraph.fromLayer(new ChunkLayer(last, `${kind}-last`, nb, [local], (idx) => task(K('lastAlong'), ref(blockKey(local, idx)), axis)), g);
  // carry[i] = combination of last[0..i-1]; carry[0] is not needed
  g = HighLevelGraph.fromLayer(
    new ChunkLayer(carry, `${kind}-carry`, nb, [last], (idx) => {
      const i = idx[axis] as number;
      const prev = [...idx];
      prev[axis] = i - 1;
      if (i <= 1)
        return ref(
          blockKey(
            last,
            prev.map((v) => Math.max(0, v)),
          ),
        );
      return task(K('carryCombine'), kind, ref(blockKey(carry, prev)), ref(blockKey(last, prev)));
    }),
    g,
  );
  g = HighLevelGraph.fromLayer(
    new ChunkLayer(out, kind, nb, [local, carry], (idx) => {
      if (idx[axis] === 0) return ref(blockKey(local, idx));
      return task(K('applyCarry'), kind, ref(blockKey(local, idx)), ref(blockKey(carry, idx)), axis);
    }),
    g,
  );
  return newArray(g, out, x.chunks, x.dtype);
}
