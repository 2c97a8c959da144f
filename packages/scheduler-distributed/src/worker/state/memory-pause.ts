/**
 * When a worker pauses for memory: past PAUSE_FRACTION of its limit it stops starting work (no
 * new execute, no new fetch), and it resumes once back under RESUME_FRACTION; the gap keeps it
 * from flapping around one threshold. A limit of 0 means none. No spilling yet.
 */

/** Held bytes above this fraction of the limit pause the worker. */
export const PAUSE_FRACTION = 0.8;
/** Held bytes below this fraction of the limit unpause it. */
export const RESUME_FRACTION = 0.7;

/** The pause stimulus type due for `heldBytes` under `limit` (0: none), or undefined when the state stays. */
export function pauseChange(heldBytes: number, limit: number, paused: boolean): 'pause' | 'unpause' | undefined {
  if (limit <= 0) return paused ? 'unpause' : undefined;
  if (!paused && heldBytes > PAUSE_FRACTION * limit) return 'pause';
  if (paused && heldBytes < RESUME_FRACTION * limit) return 'unpause';
  return undefined;
}
