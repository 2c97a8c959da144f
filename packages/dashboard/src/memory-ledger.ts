/**
 * Memory per worker, as the dashboard shows it: which results each worker holds and how many of
 * their bytes are spilled. A task reaching 'memory' with nbytes > 0 adds to its worker's `held`;
 * its 'released' subtracts it again. `spill` moves a result's bytes from held to spilled (on the
 * worker that held it), `unspill` moves them back, `report` sets a worker's figures outright
 * (what a distributed worker's heartbeat reports). Tasks are compute task indices.
 */
import type { WorkerStatus } from './messages.js';
import type { DirtySet } from './dirty-set.js';

interface Held {
  worker: number;
  nbytes: number;
}

export class MemoryLedger {
  #held = new Map<number, Held>();
  /** Results spilled to disk, by task (their worker and bytes). */
  #spilled = new Map<number, Held>();
  /** 1 where a task has an entry in `held` or `spilled`: most released tasks have none, and this skips the lookup. */
  #tracked = new Uint8Array(0);

  constructor(
    readonly status: () => WorkerStatus[],
    readonly dirty: DirtySet,
  ) {}

  /** A new compute of `ntasks` tasks. */
  reset(ntasks: number): void {
    this.#held = new Map();
    this.#spilled = new Map();
    this.#tracked = new Uint8Array(ntasks);
  }

  #track(task: number): void {
    if (task < this.#tracked.length) this.#tracked[task] = 1;
  }

  /** A result of `nbytes` now lives on worker `w`. */
  stored(task: number, w: number, nbytes: number): void {
    const ws = this.status()[w] as WorkerStatus;
    if (task >= 0) {
      const prev = this.#held.get(task);
      if (prev) this.#release(prev);
      this.#held.set(task, { worker: w, nbytes });
      this.#track(task);
    }
    ws.held += nbytes;
    ws.results++;
    if (ws.held > ws.peak) ws.peak = ws.held;
  }

  /** The result of `task` was dropped (held or spilled). */
  released(task: number): void {
    if (task < this.#tracked.length && this.#tracked[task] === 0) return;
    const h = this.#held.get(task);
    if (h) {
      this.#held.delete(task);
      this.#release(h);
    } else if (this.#spilled.size > 0) {
      const s = this.#spilled.get(task);
      if (s) {
        this.#spilled.delete(task);
        const ws = this.status()[s.worker] as WorkerStatus;
        ws.spilled = Math.max(0, ws.spilled - s.nbytes);
        this.dirty.add(s.worker);
      }
    }
  }

  /** A result went to disk; returns the worker it was on (undefined when unknown). */
  spill(task: number, w: number | undefined, nbytes: number | undefined): number | undefined {
    const h = task < 0 ? undefined : this.#held.get(task);
    w ??= h?.worker;
    if (w === undefined) return undefined;
    const ws = this.status()[w] as WorkerStatus;
    const moved = nbytes ?? h?.nbytes ?? 0;
    if (h) {
      this.#held.delete(task);
      this.#release(h);
    } else ws.held = Math.max(0, ws.held - moved);
    ws.spilled += moved;
    if (task >= 0) {
      this.#spilled.set(task, { worker: w, nbytes: moved });
      this.#track(task);
    }
    return w;
  }

  /** A spilled result came back to memory; returns its worker (undefined when unknown). */
  unspill(task: number, w: number | undefined, nbytes: number | undefined): number | undefined {
    const s = task < 0 ? undefined : this.#spilled.get(task);
    w ??= s?.worker;
    if (w === undefined) return undefined;
    const ws = this.status()[w] as WorkerStatus;
    const moved = Math.min(ws.spilled, nbytes ?? s?.nbytes ?? 0);
    ws.spilled -= moved;
    ws.held += moved;
    if (ws.held > ws.peak) ws.peak = ws.held;
    if (s) {
      this.#spilled.delete(task);
      this.#held.set(task, { worker: w, nbytes: moved });
      ws.results++;
    }
    return w;
  }

  /** A worker's own figures, taken as given. */
  report(w: number, held: number | undefined, spilled: number | undefined): void {
    const ws = this.status()[w] as WorkerStatus;
    if (held !== undefined) ws.held = held;
    if (spilled !== undefined) ws.spilled = spilled;
    if (ws.held > ws.peak) ws.peak = ws.held;
  }

  #release(h: Held): void {
    const ws = this.status()[h.worker] as WorkerStatus;
    ws.held = Math.max(0, ws.held - h.nbytes);
    if (ws.results > 0) ws.results--;
    this.dirty.add(h.worker);
  }
}
