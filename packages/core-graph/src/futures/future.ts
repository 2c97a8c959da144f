/**
 * Future: one result a scheduler is computing or holds, as Dask's `Future`. It owns a
 * reference to its key (a HeldKeys handle): `release()` drops it, and a future dropped
 * without release is released when collected. `result()` gathers the value (waiting for it);
 * a failed future rejects with the error compute() would give (TaskError naming the key, or
 * the error of the future it depends on); a cancelled one with CancelledError.
 *
 * Statuses: pending -> finished | error | cancelled (Dask's names).
 */
import { CancelledError } from '../errors.js';
import type { RunHandle, Scheduler } from '../schedulers.js';
import { keyGroup, type Key } from '../spec/index.js';
import { INSPECT } from '../collection-brand.js';
import { inspectWithHtml } from '../notebook/display.js';
import { escapeHtml } from '../notebook/html.js';
import { HeldKeys } from './held-keys.js';

/** Where a future stands. */
export type FutureStatus = 'pending' | 'finished' | 'error' | 'cancelled';

/** A started run of one future: its scheduler and the run's handle (one output, the future's key). */
export interface FutureStart {
  readonly scheduler: Scheduler;
  readonly run: RunHandle;
}

/** Brand for recognising futures across copies of this package. */
export const FUTURE_BRAND: unique symbol = Symbol.for('tsdask.future') as never;

/** A result being computed or held by a scheduler. */
export class Future<T = unknown> {
  declare readonly [FUTURE_BRAND]: true;
  #status: FutureStatus = 'pending';
  #error: unknown;
  #handle: HeldKeys | undefined;
  #cancelled = false;
  /** Keeps what the task needs (its function, the futures it reads) alive until it settles. */
  // eslint-disable-next-line no-unused-private-class-members -- written, never read: holding it is the point
  #keep: unknown;
  /** Turns the gathered value into the result (a collection's finalize, for Client.compute). */
  readonly #finalize: ((value: unknown) => T) | undefined;
  /** Settles (never rejects) when the future is finished, erred or cancelled. */
  readonly settled: Promise<void>;

  /** @internal Built by a Client: `start` resolves once the scheduler has taken the run. */
  constructor(
    /** The key of the result. */
    readonly key: Key,
    start: Promise<FutureStart>,
    keep?: unknown,
    finalize?: (value: unknown) => T,
    /** Which output of the started run is this future's key (several futures may share one run: Client.map). */
    output = 0,
  ) {
    this.#keep = keep;
    this.#finalize = finalize;
    this.settled = start.then(
      (s) => {
        this.#handle = new HeldKeys(s.scheduler, [key]);
        if (this.#cancelled) s.scheduler.cancel([key]);
        return s.run.output(output).then(
          () => this.#settle('finished', undefined),
          (err: unknown) => this.#settle(err instanceof CancelledError ? 'cancelled' : 'error', err),
        );
      },
      (err: unknown) => {
        this.#settle(err instanceof CancelledError ? 'cancelled' : 'error', err);
      },
    );
  }

  #settle(status: FutureStatus, error: unknown): void {
    this.#status = status;
    this.#error = error;
    this.#keep = undefined;
  }

  /** 'pending', 'finished', 'error' or 'cancelled'. */
  get status(): FutureStatus {
    return this.#status;
  }

  /** True once the future is finished, erred or cancelled. */
  done(): boolean {
    return this.#status !== 'pending';
  }

  /** True when result() assembles the value here from the held result (a collection's finalize): the held value is not the result. */
  get assembledHere(): boolean {
    return this.#finalize !== undefined;
  }

  /** The scheduler's name, once it has taken the run. */
  get scheduler(): Scheduler | undefined {
    return this.#handle?.scheduler;
  }

  /** The value, gathered from the scheduler; rejects with the future's error (TaskError, CancelledError, ...). */
  async result(): Promise<T> {
    await this.settled;
    if (this.#status !== 'finished') throw this.#error;
    const handle = this.#handle as HeldKeys;
    const [value] = await handle.scheduler.gather([this.key]);
    return this.#finalize !== undefined ? this.#finalize(value) : (value as T);
  }

  /**
   * The values of several futures, in order, with one `gather` per scheduler (not one per
   * future); rejects with the error of the first failed or cancelled one, in order.
   */
  static async resultsOf(futures: readonly Future[]): Promise<unknown[]> {
    await Promise.all(futures.map((f) => f.settled));
    for (const f of futures) if (f.#status !== 'finished') throw f.#error;
    const bySched = new Map<Scheduler, number[]>();
    futures.forEach((f, i) => {
      const s = (f.#handle as HeldKeys).scheduler;
      const at = bySched.get(s);
      if (at === undefined) bySched.set(s, [i]);
      else at.push(i);
    });
    const out = new Array<unknown>(futures.length);
    await Promise.all(
      Array.from(bySched, async ([s, at]) => {
        const values = await s.gather(at.map((i) => (futures[i] as Future).key));
        at.forEach((i, j) => {
          const fin = (futures[i] as Future).#finalize;
          out[i] = fin !== undefined ? fin(values[j]) : values[j];
        });
      }),
    );
    return out;
  }

  /** The error of a failed or cancelled future (undefined otherwise), once settled. */
  async exception(): Promise<unknown> {
    await this.settled;
    return this.#error;
  }

  /** Cancels the computation (and the futures depending on it): result() rejects with CancelledError. */
  cancel(): void {
    if (this.#status !== 'pending') return;
    this.#cancelled = true;
    this.#handle?.scheduler.cancel([this.key]);
  }

  /** Drops this future's reference: the scheduler frees the result once nothing else needs it. */
  release(): void {
    if (this.#handle !== undefined) this.#handle.release();
    else void this.settled.then(() => this.#handle?.release());
  }

  /** Futures tokenize as their key (so pure submits that read one get a deterministic key). */
  tokenize(): string {
    return this.key;
  }

  toString(): string {
    return `Future('${this.key}', ${this.#status})`;
  }

  /** An HTML summary as Dask's Future shows in Jupyter: key and status (and the error's message). */
  toHTML(): string {
    const color = { pending: 'gray', finished: 'green', error: 'red', cancelled: 'orange' }[this.#status];
    const err = this.#status === 'error' ? `, error: ${escapeHtml(this.#error instanceof Error ? this.#error.message : String(this.#error))}` : '';
    return `<strong>Future: ${escapeHtml(keyGroup(this.key))}</strong> <span style="color:gray">status:</span> <span style="color:${color}">${this.#status}</span>${err}, <span style="color:gray">key:</span> <code>${escapeHtml(this.key)}</code>`;
  }

  /** What `console.log`, the REPL and util.inspect show: the same as toString() (and toHTML() as a notebook's cell value). */
  [INSPECT](depth?: number, options?: object): string {
    return inspectWithHtml(
      depth,
      options,
      () => this.toString(),
      () => this.toHTML(),
    );
  }
}

Object.defineProperty(Future.prototype, FUTURE_BRAND, { value: true });

/** True when `x` is a Future. */
export function isFuture(x: unknown): x is Future {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[FUTURE_BRAND] === true;
}
