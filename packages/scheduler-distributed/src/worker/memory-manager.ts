/**
 * A worker's memory manager, the shell around state/memory-thresholds.ts: after each value is
 * stored it spills what managed memory holds over the target (`afterStore`), and on each
 * reading of the process's memory (`check`, run about every 100 ms by the worker) it spills
 * down to the target and says when to pause or resume.
 *
 * The process's memory is its RSS (ArrayBuffers included) less the RSS it had when the worker
 * started: Node, V8 and the task threads take some 70 MB before any work, so a whole-RSS
 * reading would keep a worker with a small `--memory-limit` spilled and paused for good. Freed
 * values leave RSS only when V8 collects them, so when a reading is still over the spill
 * threshold after values went to disk, the manager runs a full collection (at most once a
 * second) and reads again, as Dask's worker does.
 */
import { exposeGc } from '@tsdask/runtime';
import type { DataStore } from './data-store.js';
import { onMemoryReading, overTarget, type MemoryFractions } from './state/memory-thresholds.js';

/** Options of a MemoryManager. */
export interface MemoryManagerOptions {
  store: DataStore;
  /** Bytes (0: none). */
  limit: number;
  fractions: MemoryFractions;
  /** Reads the process's memory in bytes (default: RSS less the RSS at construction). */
  readMemory?: () => number;
  /** A full garbage collection (default: V8's). */
  collect?: () => void;
  /** The clock for the collection's throttle, in ms (default: performance.now). */
  now?: () => number;
}

const GC_EVERY_MS = 1000;

/** Spills and pauses a worker by its memory fractions. */
export class MemoryManager {
  readonly #store: DataStore;
  readonly #limit: number;
  readonly #f: MemoryFractions;
  readonly #read: () => number;
  readonly #collect: () => void;
  readonly #now: () => number;
  #lastGc = -Infinity;
  #spillsAtGc = 0;
  /** The latest reading, in bytes. */
  measured = 0;

  constructor(o: MemoryManagerOptions) {
    this.#store = o.store;
    this.#limit = o.limit;
    this.#f = o.fractions;
    if (o.readMemory !== undefined) this.#read = o.readMemory;
    else {
      const baseline = process.memoryUsage.rss();
      this.#read = () => Math.max(0, process.memoryUsage.rss() - baseline);
    }
    this.#collect = o.collect ?? lazyGc();
    this.#now = o.now ?? (() => performance.now());
  }

  /** Whether the thresholds can ever act (a limit is set). */
  get active(): boolean {
    return this.#limit > 0;
  }

  /** After a value is stored: spills what managed memory holds over the target. */
  afterStore(): void {
    const over = overTarget(this.#store.bytes, this.#limit, this.#f);
    if (over > 0) this.#store.spill(over);
  }

  /** One reading: spills down to the target when over the spill threshold; returns the pause change due, if any. */
  check(paused: boolean): 'pause' | 'unpause' | undefined {
    if (!this.active) return paused ? 'unpause' : undefined;
    let measured = this.#read();
    const spilledSince = this.#store.spillCount > this.#spillsAtGc;
    if (spilledSince && this.#f.spill !== false && measured > this.#f.spill * this.#limit && this.#now() - this.#lastGc >= GC_EVERY_MS) {
      // Values went to disk but RSS has not seen it yet: collect, then read again.
      this.#lastGc = this.#now();
      this.#spillsAtGc = this.#store.spillCount;
      this.#collect();
      measured = this.#read();
    }
    this.measured = measured;
    const store = this.#store;
    const verdict = onMemoryReading(
      { measured, limit: this.#limit, paused, canSpill: (this.#f.spill !== false && store.spillableBytes > 0) || store.writingBytes > 0 },
      this.#f,
    );
    if (verdict.spill > 0) store.spill(Math.min(verdict.spill, store.bytes));
    return verdict.pause;
  }
}

/** V8's collection, turned on at its first use. */
function lazyGc(): () => void {
  let gc: (() => void) | undefined;
  return () => (gc ??= exposeGc())();
}
