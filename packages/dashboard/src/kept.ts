/**
 * What the aggregator keeps of a compute's past for pages that connect later: the last
 * `keepBars` task bars and `keepErrors` errors, beside the errors of the delta not flushed yet.
 */
import { BAR_FIELDS, type ErrorInfo } from './messages.js';

export class KeptHistory {
  /** The errors since the last flush (at most `keepErrors`). */
  #errors: ErrorInfo[] = [];
  #bars: number[] = [];
  #keptErrors: ErrorInfo[] = [];

  constructor(
    readonly keepBars: number,
    readonly keepErrors: number,
  ) {}

  get errors(): ErrorInfo[] {
    return this.#errors;
  }

  /** A new compute: nothing kept. */
  reset(): void {
    this.#errors = [];
    this.#bars = [];
    this.#keptErrors = [];
  }

  error(e: ErrorInfo): void {
    if (this.#errors.length < this.keepErrors) this.#errors.push(e);
  }

  /** The entry of a key's error whose message is not known yet, flushed or not. */
  openError(key: unknown): ErrorInfo | undefined {
    return this.#errors.find((x) => x.key === key && x.message === '') ?? this.#keptErrors.find((x) => x.key === key && x.message === '');
  }

  /** A flush: keeps its bars and errors (the newest, up to the limits) and starts a new delta. */
  keep(bars: readonly number[]): void {
    if (bars.length > 0) {
      this.#bars.push(...bars);
      const over = this.#bars.length - this.keepBars * BAR_FIELDS;
      if (over > 0) this.#bars.splice(0, over);
    }
    if (this.#errors.length > 0) {
      this.#keptErrors.push(...this.#errors);
      if (this.#keptErrors.length > this.keepErrors) this.#keptErrors.splice(0, this.#keptErrors.length - this.keepErrors);
    }
    this.#errors = [];
  }

  /** Every bar kept, then the pending ones. */
  allBars(pending: readonly number[]): number[] {
    return [...this.#bars, ...pending];
  }

  /** Every error kept, then the pending ones. */
  allErrors(): ErrorInfo[] {
    return [...this.#keptErrors, ...this.#errors];
  }
}
