/**
 * The now-running board: what each worker thread is running at this moment, on a
 * SharedArrayBuffer that every worker of the pool writes and the main thread reads, so the
 * event stream can say which worker runs which batch while it runs (a batch's worker is
 * otherwise known only when it ends). A worker claims a slot once; at a batch's start it
 * writes the compute's tag, the batch and the start time, and clears the batch at its end.
 * No messages, no locks: a reader may see a slot mid-update, and takes what it sees as a
 * momentary view (the task events stay the record). When a worker thread ends (terminated by a
 * cancel, crashed, retired) the pool frees its slot, so workers replaced again and again never
 * run the board out of slots.
 */

/** Slots on a board: more live worker threads than this go without one (and are not shown). */
export const SLOTS = 256;
/** Int32 fields per slot: thread id (0: free), compute tag, batch + 1 (0: idle). */
const FIELDS = 3;

export interface NowRunningBoard {
  readonly ints: Int32Array;
  /** Start of each slot's batch, ms since the epoch. */
  readonly starts: Float64Array;
}

/** A new, empty board. */
export function createBoard(): NowRunningBoard {
  return { ints: new Int32Array(new SharedArrayBuffer(4 * (1 + SLOTS * FIELDS))), starts: new Float64Array(new SharedArrayBuffer(8 * SLOTS)) };
}

/** Claims a free slot for this thread (once per thread), or -1 when every slot is taken. */
export function claimSlot(board: NowRunningBoard, threadId: number): number {
  for (let slot = 0; slot < SLOTS; slot++) {
    const at = 1 + slot * FIELDS;
    if (Atomics.compareExchange(board.ints, at, 0, threadId) === 0) {
      Atomics.store(board.ints, at + 2, 0);
      return slot;
    }
  }
  return -1;
}

/** Frees the slot of a thread that has ended (called by the pool); its batch is no longer shown. */
export function releaseSlot(board: NowRunningBoard, threadId: number): void {
  if (threadId <= 0) return;
  for (let slot = 0; slot < SLOTS; slot++) {
    const at = 1 + slot * FIELDS;
    if (Atomics.load(board.ints, at) !== threadId) continue;
    Atomics.store(board.ints, at + 2, 0);
    Atomics.store(board.ints, at, 0);
    return;
  }
}

/** Marks the slot's batch started (`batch` >= 0) or ended (-1). */
export function markRunning(board: NowRunningBoard, slot: number, tag: number, batch: number): void {
  if (slot < 0) return;
  const at = 1 + slot * FIELDS;
  if (batch >= 0) {
    board.starts[slot] = performance.timeOrigin + performance.now();
    Atomics.store(board.ints, at + 1, tag);
  }
  Atomics.store(board.ints, at + 2, batch + 1);
}

/** One running batch as the board shows it. */
export interface RunningBatch {
  worker: number;
  batch: number;
  /** ms since the epoch. */
  start: number;
}

/** The batches of compute `tag` running now. */
export function readBoard(board: NowRunningBoard, tag: number): RunningBatch[] {
  const out: RunningBatch[] = [];
  for (let slot = 0; slot < SLOTS; slot++) {
    const at = 1 + slot * FIELDS;
    const thread = Atomics.load(board.ints, at);
    if (thread === 0) continue;
    const b = Atomics.load(board.ints, at + 2);
    if (b === 0 || Atomics.load(board.ints, at + 1) !== tag) continue;
    out.push({ worker: thread, batch: b - 1, start: board.starts[slot] as number });
  }
  return out;
}
