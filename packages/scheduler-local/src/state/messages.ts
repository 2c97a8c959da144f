/**
 * What goes in and out of the local scheduler's state machine: stimuli (what happened, from the
 * shell) and instructions (what the shell must do), each a union discriminated on `type`, as
 * distributed's `handle_stimulus(events) -> instructions`. Plain data: no functions, no I/O.
 */

/** Something that happened, fed to `SchedulerState.handle`. */
export type Stimulus =
  | { type: 'start' }
  /** Write `gen` of batch `batch`'s result ended (`bytes` on disk). */
  | { type: 'spilled'; batch: number; bytes: number; gen: number }
  /** A spill write failed: the result stays in memory; `stop` ends spilling for the compute. */
  | { type: 'spill-failed'; batch: number; gen: number; stop: boolean }
  | { type: 'batch-finished'; batch: number; worker: number; start: number; stop: number; nbytes: number }
  | { type: 'batch-erred'; batch: number; member: number; error: Error; worker: number; start: number; stop: number }
  | { type: 'worker-lost'; batch: number; error: Error };

/** Something the shell must do, returned by `SchedulerState.handle`, in order. */
export type Instruction =
  /** Read these batches' results back from disk (a dispatch or the end that follows waits for them). */
  | { type: 'unspill'; batches: number[] }
  /** Run batch `batch` (once its inputs being read back are loaded). */
  | { type: 'dispatch'; batch: number }
  /** Batch `batch`'s result is no longer needed: drop it, in memory and on disk. */
  | { type: 'release'; batch: number }
  /** Write batch `batch`'s result to disk (write generation `gen`), keeping it in memory meanwhile. */
  | { type: 'spill'; batch: number; gen: number }
  /** Batch `batch`'s result is on disk now: drop the copy in memory. */
  | { type: 'drop'; batch: number }
  /** The compute finished: answer with the outputs (once those being read back are loaded). */
  | { type: 'done' }
  /** The compute failed with `error`. */
  | { type: 'fail'; error: Error };

/** The instruction types, for shells that keep one handler per type. */
export type InstructionType = Instruction['type'];
