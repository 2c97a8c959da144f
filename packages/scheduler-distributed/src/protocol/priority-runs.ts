/**
 * Priorities on the wire as runs of arithmetic progressions, `[first, step, count]` each: the
 * priorities of a layer's tasks in block order are often one progression (order() walks the
 * blocks of a map one after another, so block i gets `p0 + i * s`) or a few, which then cost a
 * few numbers instead of one per task. Any sequence encodes; the worst case is three numbers per
 * two tasks.
 */
import { MessageShapeError } from '../comm/errors.js';

/** `values[from .. to)` as progression runs (see the header). */
export function encodePriorityRuns(values: ArrayLike<number>, from = 0, to = values.length): number[] {
  const out: number[] = [];
  let i = from;
  while (i < to) {
    const first = values[i] as number;
    if (i + 1 === to) {
      out.push(first, 0, 1);
      break;
    }
    const step = (values[i + 1] as number) - first;
    let j = i + 2;
    while (j < to && (values[j] as number) - (values[j - 1] as number) === step) j++;
    out.push(first, step, j - i);
    i = j;
  }
  return out;
}

/** The `n` priorities that `runs` encode; throws MessageShapeError when they do not encode exactly `n` integers. */
export function decodePriorityRuns(runs: readonly number[], n: number, field = 'message.priorities'): number[] {
  if (runs.length % 3 !== 0) throw new MessageShapeError(field, `Priority runs come in threes [first, step, count]; got ${runs.length} numbers.`);
  const out = new Array<number>(n);
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const first = runs[r] as number;
    const step = runs[r + 1] as number;
    const count = runs[r + 2] as number;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(step) || !Number.isSafeInteger(count) || count < 1 || at + count > n)
      throw new MessageShapeError(field, `Priority run ${r / 3} ([${first}, ${step}, ${count}]) is not integers or runs past the ${n} tasks.`);
    for (let c = 0; c < count; c++) out[at++] = first + c * step;
  }
  if (at !== n) throw new MessageShapeError(field, `Priority runs give ${at} priorities for ${n} tasks.`);
  return out;
}
