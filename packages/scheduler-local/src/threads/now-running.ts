/**
 * The now-running board: what each worker thread is running at this moment, on a
 * SharedArrayBuffer that every worker of the pool writes and the main thread reads, so the
 * event stream can say which worker runs which batch while it runs (a batch's worker is
 * otherwise known only when it ends). A worker claims a slot once; at a batch's start it
 * writes the compute's tag, the batch and the start time, and clears the batch at its end.
 * No messages, no locks: a reader may see a slot mid-update, and takes what it sees as a
 * momentary view (the task events stay the record).
 */

/** Slots on a board: more worker threads than this share the last slot's silence. */
const SLOTS = 256;
/** Int32 fields per slot: thread id, compute tag, batch + 1 (0: idle). */
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

/** Claims this thread's slot (once per thread), or -1 when the board is full. */
export function claimSlot(board: NowRunningBoard, threadId: number): number {
  const slot = Atomics.add(board.ints, 0, 1);
  if (slot >= SLOTS) return -1;
  Atomics.store(board.ints, 1 + slot * FIELDS, threadId);
  return slot;
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
  const n = Math.min(SLOTS, Atomics.load(board.ints, 0));
  for (let slot = 0; slot < n; slot++) {
    const at = 1 + slot * FIELDS;
    const b = Atomics.load(board.ints, at + 2);
    if (b === 0 || Atomics.load(board.ints, at + 1) !== tag) continue;
    out.push({ worker: Atomics.load(board.ints, at), batch: b - 1, start: board.starts[slot] as number });
  }
  return out;
}
