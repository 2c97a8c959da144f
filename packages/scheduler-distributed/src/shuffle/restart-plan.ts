/**
 * How a P2P shuffle restarts after losing a worker: only what the lost worker held is done again.
 * Pure functions over a run's spec, used by the scheduler (scheduler-runs.ts) and tested alone.
 *
 * - planMoves: the output partitions that need a new owner are moved to the live workers
 *   (contiguous ranges of them, in worker order): those owned by a lost or no longer live worker (or by nobody)
 *   whose unpack is still to run, and those whose unpacked result was lost with a worker other
 *   than their owner (`forced`: the owner already read and removed their file, so they go to
 *   another worker). A lost worker's partition that needs no buckets (its unpack is done and held
 *   elsewhere, or no longer wanted) gets owner '': transfers skip it. Every other partition keeps
 *   its owner, and that owner keeps the buckets it received.
 * - The run that opens marks every partition given an owner as needed anew from it (`fresh`):
 *   an owner may get back a partition it held before (a forced one moving back, or staying with
 *   the only live worker), and it removed that partition's file when it unpacked it.
 * - owedParts: what a transfer sends when it runs again. A transfer that delivered all its
 *   buckets under an earlier spec owes only the partitions whose owner changed since, or that
 *   were needed anew since; one that never finished owes every partition with an owner.
 *
 * Dask restarts the whole shuffle when a worker that took part leaves
 * (distributed/shuffle/_scheduler_plugin.py: `remove_worker` calls `_restart_shuffle`, which
 * releases the barrier, every unpack, done or not, and every transfer; the next run starts from
 * nothing). tsdask keeps the survivors' files and unpacked outputs and resends only the lost
 * worker's partitions.
 */
import { ownerOf, stillDelivered, type P2PRunSpec } from './run-spec.js';

/** What restart planning reads about one output partition: its unpack is still to run, is done (held by a live worker), or is not wanted. */
export type PartStatus = 'pending' | 'done' | 'unused';

/** The planning's result: the new `moved` map, and the partitions given new owners (ascending). */
export interface MovePlan {
  moved: Record<number, string>;
  assigned: number[];
}

/**
 * The moves of a restart (see the header); undefined when some partition needs an owner and no
 * worker is live to take it (the restart waits for one).
 */
export function planMoves(
  spec: P2PRunSpec,
  lost: ReadonlySet<string>,
  live: readonly string[],
  status: (j: number) => PartStatus,
  forced: ReadonlySet<number> = new Set(),
): MovePlan | undefined {
  const moved: Record<number, string> = { ...spec.moved };
  const assign: number[] = [];
  const alive = new Set(live);
  for (let j = 0; j < spec.outputs; j++) {
    const owner = ownerOf(spec, j);
    // An owner not live now is gone too, even if it was not the worker reported lost (it left with nothing pending).
    if (!(owner === '' || lost.has(owner) || !alive.has(owner) || forced.has(j))) continue;
    if (status(j) === 'pending') assign.push(j);
    else if (owner !== '' && !forced.has(j)) moved[j] = '';
  }
  const workers = live.filter((w) => !lost.has(w));
  if (assign.length > 0 && workers.length === 0) return undefined;
  for (let k = 0; k < assign.length; k++) {
    const j = assign[k]!;
    let to = workers[Math.floor((k * workers.length) / assign.length)]!;
    if (forced.has(j) && to === ownerOf(spec, j) && workers.length > 1) to = workers[(workers.indexOf(to) + 1) % workers.length]!;
    moved[j] = to;
  }
  return { moved, assigned: assign };
}

/** The partitions a transfer owes under `current` when it last delivered everything under `delivered` (undefined: never); undefined means all. */
export function owedParts(delivered: P2PRunSpec | undefined, current: P2PRunSpec): number[] | undefined {
  const owed: number[] = [];
  for (let j = 0; j < current.outputs; j++) {
    if (ownerOf(current, j) === '') continue;
    if (delivered === undefined || !stillDelivered(current, j, ownerOf(delivered, j), delivered.run)) owed.push(j);
  }
  return owed.length === current.outputs ? undefined : owed;
}
