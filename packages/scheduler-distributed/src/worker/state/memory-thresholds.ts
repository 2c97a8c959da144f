/**
 * When a worker spills and pauses for memory, as Dask's worker (distributed.worker.memory):
 * fractions of its memory limit (a limit of 0 means none: nothing spills, nothing pauses).
 *
 * - target (0.6): after a value is stored, while the bytes of values held in memory (managed
 *   memory) are over target x limit, the least recently used go to disk (`overTarget`).
 * - spill (0.7): on each reading of the process's memory (the shell reads it about every
 *   100 ms), above spill x limit values go to disk until the reading is back under the target
 *   (`onMemoryReading`).
 * - pause (0.8): above pause x limit the worker starts no task and no fetch; it resumes once a
 *   reading is at or below it. A pause only waits for spilling: when nothing is left to spill
 *   (no value in memory, no write going) and memory is still over, what holds it is not the
 *   worker's to free (garbage not yet collected, a task's own memory), so the worker does not
 *   pause (or resumes): pausing then would wait forever.
 * - terminate (0.95) is the nanny's, not the worker's.
 *
 * Each fraction may be `false` (off), as in Dask. Pure: numbers in, decisions out.
 */
import { ConfigError } from '@tsdask/core-graph';

/** The memory fractions of a worker; `false` turns one off. */
export interface MemoryFractions {
  /** Managed memory kept under this fraction of the limit by spilling at each store (Dask's `target`). */
  target: number | false;
  /** Process memory over this fraction spills until under the target (Dask's `spill`). */
  spill: number | false;
  /** Process memory over this fraction pauses new work (Dask's `pause`). */
  pause: number | false;
}

/** Dask's defaults. */
export const DEFAULT_MEMORY_FRACTIONS: Readonly<MemoryFractions> = Object.freeze({ target: 0.6, spill: 0.7, pause: 0.8 });

/** The fractions with defaults filled in; throws ConfigError for one that is not false or in (0, 1]. */
export function memoryFractions(given: { [K in keyof MemoryFractions]?: MemoryFractions[K] | undefined } = {}): MemoryFractions {
  const out = { ...DEFAULT_MEMORY_FRACTIONS };
  for (const name of ['target', 'spill', 'pause'] as const) {
    const v = given[name];
    if (v === undefined) continue;
    if (v !== false && !(typeof v === 'number' && v > 0 && v <= 1))
      throw new ConfigError(`memory ${name} fraction must be a number in (0, 1] or false (off), got ${String(v)}.`, { option: `memory-${name}` });
    out[name] = v;
  }
  return out;
}

/** Bytes of managed memory to move to disk now: what `managed` holds over the target (0 when under, off or no limit). */
export function overTarget(managed: number, limit: number, f: MemoryFractions): number {
  if (limit <= 0 || f.target === false) return 0;
  return Math.max(0, managed - f.target * limit);
}

/** One reading of the worker's memory. */
export interface MemoryReading {
  /** The process's measured memory in bytes. */
  measured: number;
  /** The memory limit in bytes (0: none). */
  limit: number;
  /** Whether the worker is paused now. */
  paused: boolean;
  /** Whether spilling can still lower memory: values in memory that may go, or writes going. */
  canSpill: boolean;
}

/** What a reading asks for: bytes to spill (0: none) and a pause change. */
export interface MemoryVerdict {
  /** Bytes to move to disk now (0: none). */
  spill: number;
  /** The pause change due, if any. */
  pause: 'pause' | 'unpause' | undefined;
}

/** The decision for one reading (see the header for the policy). */
export function onMemoryReading(r: MemoryReading, f: MemoryFractions): MemoryVerdict {
  if (r.limit <= 0) return { spill: 0, pause: r.paused ? 'unpause' : undefined };
  let spill = 0;
  if (f.spill !== false && r.measured > f.spill * r.limit) {
    // Down to the target (or, with the target off, to the spill threshold itself).
    const to = (f.target !== false ? f.target : f.spill) * r.limit;
    spill = r.measured - to;
  }
  const over = f.pause !== false && r.measured > f.pause * r.limit && r.canSpill;
  const pause = over && !r.paused ? 'pause' : !over && r.paused ? 'unpause' : undefined;
  return { spill, pause };
}
