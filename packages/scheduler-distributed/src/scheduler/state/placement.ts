/**
 * Placement: which worker runs a ready task (the idea of Dask's `decide_worker`). The worker
 * that already holds most of the task's input bytes wins (fewest bytes to transfer); ties go
 * to the lower occupancy, then to the earlier-connected worker. Pure: takes the candidates and
 * the inputs' locations, returns one worker.
 */
import type { WorkerState } from './worker-state.js';

/** One input of a task: its size and the workers that hold it. */
export interface PlacedInput {
  nbytes: number;
  holders: { has(w: WorkerState): boolean };
}

/** Bytes of `inputs` that `w` would have to fetch from elsewhere. */
export function transferBytes(w: WorkerState, inputs: readonly PlacedInput[]): number {
  let bytes = 0;
  for (const input of inputs) if (!input.holders.has(w)) bytes += input.nbytes;
  return bytes;
}

/** The best of `candidates` (in connection order) for a task reading `inputs`; undefined if there is none. */
export function decideWorker(candidates: Iterable<WorkerState>, inputs: readonly PlacedInput[]): WorkerState | undefined {
  let best: WorkerState | undefined;
  let bestBytes = Infinity;
  for (const w of candidates) {
    const bytes = transferBytes(w, inputs);
    if (best === undefined || bytes < bestBytes || (bytes === bestBytes && w.occupancy < best.occupancy)) {
      best = w;
      bestBytes = bytes;
    }
  }
  return best;
}
