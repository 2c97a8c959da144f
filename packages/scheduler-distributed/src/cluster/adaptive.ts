/**
 * Adaptive scaling of a LocalCluster (Dask's `distributed.deploy.Adaptive`): a loop that every
 * `intervalMs` asks the scheduler for its target (scheduler/adaptive.ts: the expected seconds of
 * the queued and processing tasks over `targetDurationMs`, at most one worker per task, or more
 * when results fill the workers' memory), clamps it to [minimum, maximum], and
 * - above the workers running: starts the difference at once (and forgets close counts);
 * - below: the scheduler names idle workers to close; a worker named `waitCount` times in a row
 *   (Dask's wait_count, 3) is retired: the scheduler copies its results to another worker, then
 *   closes it (scheduler/retire.ts), and the cluster drops its process.
 * One step at a time: a step still running when the next is due makes that one skip. Defaults as
 * Dask's: minimum 0, maximum unbounded, interval 1 s, target duration 5 s, wait count 3.
 */
import type { RemoteScheduler } from '../client/remote-scheduler.js';
import { ClusterError } from './errors.js';

/** Options of `cluster.adapt()`. */
export interface AdaptOptions {
  /** Fewest workers (default 0). */
  minimum?: number;
  /** Most workers (default: no bound). */
  maximum?: number;
  /** How often to decide, in ms (default 1000, Dask's interval). */
  intervalMs?: number;
  /** Expected work per worker to aim for, in ms (default 5000, Dask's target_duration). */
  targetDurationMs?: number;
  /** Consecutive times a worker must be named idle before it is retired (default 3, Dask's wait_count). */
  waitCount?: number;
}

/** What the loop does to the cluster. */
export interface AdaptHooks {
  /** Workers running now. */
  count(): number;
  /** Starts `n` more workers; resolves once they listen. */
  scaleUp(n: number): Promise<void>;
  /** These workers (data addresses) were retired: drop their processes. */
  ended(addresses: string[]): Promise<void>;
  /** Closes what the loop opened (its client). */
  close(): Promise<void>;
  /** Told when a step fails (the next step tries again). */
  log?: (line: string) => void;
}

/** One decision, for logs and tests. */
export interface AdaptStep {
  at: number;
  workers: number;
  target: number;
  action: 'up' | 'down' | 'same' | 'wait';
  /** Workers started, or retired. */
  changed: number;
}

/** The running loop of cluster.adapt(). */
export class Adaptive {
  readonly minimum: number;
  readonly maximum: number;
  readonly intervalMs: number;
  readonly targetDurationMs: number;
  readonly waitCount: number;
  /** The last 100 decisions, oldest first. */
  readonly history: AdaptStep[] = [];
  /** Why the last step that failed failed (the scheduler unreachable, a worker that did not start). */
  lastError: Error | undefined;
  readonly #scheduler: RemoteScheduler;
  readonly #hooks: AdaptHooks;
  readonly #closeCounts = new Map<string, number>();
  readonly #timer: ReturnType<typeof setInterval>;
  #step: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(opts: AdaptOptions, scheduler: RemoteScheduler, hooks: AdaptHooks) {
    const bad = (what: string): ClusterError => new ClusterError('TSDASK_CLUSTER_BAD_OPTION', `cluster.adapt(): ${what}.`);
    this.minimum = opts.minimum ?? 0;
    this.maximum = opts.maximum ?? Infinity;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.targetDurationMs = opts.targetDurationMs ?? 5000;
    this.waitCount = opts.waitCount ?? 3;
    if (!Number.isInteger(this.minimum) || this.minimum < 0) throw bad(`minimum must be a whole number >= 0, not ${this.minimum}`);
    if (!(this.maximum >= this.minimum) || (this.maximum !== Infinity && !Number.isInteger(this.maximum)))
      throw bad(`maximum must be a whole number >= minimum (${this.minimum}), not ${this.maximum}`);
    if (!(this.intervalMs > 0)) throw bad(`intervalMs must be a positive number, not ${this.intervalMs}`);
    if (!(this.targetDurationMs > 0)) throw bad(`targetDurationMs must be a positive number, not ${this.targetDurationMs}`);
    if (!Number.isInteger(this.waitCount) || this.waitCount < 1) throw bad(`waitCount must be a whole number >= 1, not ${this.waitCount}`);
    this.#scheduler = scheduler;
    this.#hooks = hooks;
    this.#timer = setInterval(() => {
      if (this.#step === undefined && this.#stopped === undefined) this.#step = this.#decide().finally(() => (this.#step = undefined));
    }, this.intervalMs);
    this.#timer.unref();
  }

  /** Stops the loop (after the step under way) and closes its client. Idempotent. */
  stop(): Promise<void> {
    return (this.#stopped ??= (async () => {
      clearInterval(this.#timer);
      await this.#step;
      await this.#hooks.close();
    })());
  }

  #record(step: Omit<AdaptStep, 'at'>): void {
    this.history.push({ at: Date.now(), ...step });
    if (this.history.length > 100) this.history.shift();
  }

  async #decide(): Promise<void> {
    try {
      const n = this.#hooks.count();
      const answer = await this.#scheduler.adaptiveTarget(this.targetDurationMs / 1000);
      if (this.#stopped !== undefined) return;
      const target = Math.min(this.maximum, Math.max(this.minimum, answer.target));
      if (target > n) {
        this.#closeCounts.clear();
        this.#record({ workers: n, target, action: 'up', changed: target - n });
        return await this.#hooks.scaleUp(target - n);
      }
      if (target === n) {
        this.#closeCounts.clear();
        return this.#record({ workers: n, target, action: 'same', changed: 0 });
      }
      const named = answer.close.slice(0, n - target);
      for (const w of [...this.#closeCounts.keys()]) if (!named.includes(w)) this.#closeCounts.delete(w);
      const due: string[] = [];
      for (const w of named) {
        const c = (this.#closeCounts.get(w) ?? 0) + 1;
        this.#closeCounts.set(w, c);
        if (c >= this.waitCount) due.push(w);
      }
      if (due.length === 0) return this.#record({ workers: n, target, action: 'wait', changed: 0 });
      const { retired } = await this.#scheduler.retireWorkers(due);
      for (const w of due) this.#closeCounts.delete(w);
      this.#record({ workers: n, target, action: 'down', changed: retired.length });
      await this.#hooks.ended(retired);
    } catch (err) {
      // The scheduler went away or a worker failed to start: the next step tries again (close() stops the loop).
      this.lastError = err as Error;
      this.#hooks.log?.(`adapt: a step failed, trying again in ${this.intervalMs} ms: ${(err as Error).message}`);
    }
  }
}
