/**
 * Flat batches: the members of a batch whose tasks are all flat (`{ op, args }` whose args
 * are refs and literals, no nested task or array: what `delayed` calls and most raw tasks
 * are) coded as int32s instead of nodes, so a batch crosses to a worker thread with no key
 * string and no JSON: the sender writes a few ints per task, the worker parses nothing and
 * builds no key map.
 *
 * The codes, in order: the member count m, then per member its op (an index into the
 * payload's `ops`), its argument count, and one code per argument: `(value << 2) | tag`, where
 * tag REF's value is a slot (member j is slot j, the batch's input i is slot m + i), INT's is
 * the argument itself (an integer in [-2^29, 2^29), not -0), and LIT's an index into the
 * payload's `literals` (every other argument, carried as the payload is: structured clone).
 * A member runs exactly as `evaluate` runs its task: the op called with its arguments' values.
 */
import type { OpId } from '@tsdask/core-graph';
import { resolveOp } from './execute.js';

/** A reference to slot `value`. */
export const FLAT_REF = 0;
/** A small integer literal, the value itself. */
export const FLAT_INT = 1;
/** Any other literal: `literals[value]`. */
export const FLAT_LIT = 2;
/** Integer literals coded inline are in [-FLAT_INT_LIMIT, FLAT_INT_LIMIT). */
export const FLAT_INT_LIMIT = 1 << 29;

type Fn = (...args: unknown[]) => unknown;

/** The member count of flat codes. */
export function flatMembers(codes: Int32Array): number {
  return codes[0]!;
}

/**
 * The evaluator of flat members, called for member 0, 1, ... in order: reads its codes, takes
 * referenced values with `take(slot)`, and calls its op. Ops resolve once per batch, at their
 * first member (an op not loaded fails that member, as `evaluate` fails it).
 */
export function flatEvaluator(codes: Int32Array, ops: readonly OpId[], literals: readonly unknown[], take: (slot: number) => unknown): () => unknown {
  const fns: (Fn | undefined)[] = new Array<Fn | undefined>(ops.length);
  let pos = 1;
  return () => {
    const o = codes[pos]!;
    const n = codes[pos + 1]!;
    pos += 2;
    const fn = fns[o] ?? (fns[o] = resolveOp(ops[o] as OpId));
    const args = new Array<unknown>(n);
    for (let a = 0; a < n; a++) {
      const c = codes[pos++]!;
      const tag = c & 3;
      const v = c >> 2;
      args[a] = tag === FLAT_REF ? take(v) : tag === FLAT_INT ? v : literals[v];
    }
    return fn(...args);
  };
}
