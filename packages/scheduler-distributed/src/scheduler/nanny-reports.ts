/**
 * The scheduler's side of the nannies' reports: why a nanny'd worker died, for KilledWorkerError.
 * A worker's connection drop and its nanny's worker-died report race (two connections, two
 * processes), so the removal of a worker that registered with a live nanny is held until the
 * report comes or `holdMs` (default 1 s) passes, whichever is first; a report that comes before
 * the drop (the nanny reports a memory kill before it kills) is kept until the drop, for at
 * most 30 s. A worker without a nanny, or whose nanny's connection is gone, is removed at once,
 * with the reason the scheduler saw itself ('connection closed', a missed heartbeat).
 */
import type { WorkerDiedMsg } from '../protocol/messages.js';
import { describeDeath } from '../nanny/policy.js';

/** How long a report that came before its worker's drop is kept, in ms. */
export const EARLY_REPORT_KEEP_MS = 30_000;
/** Default wait for the nanny's report after a nanny'd worker's connection dropped, in ms. */
export const DEFAULT_NANNY_HOLD_MS = 1000;

interface Held {
  nanny: string;
  reason: string;
  remove: (how: string) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Live nannies, held removals and early reports. */
export class NannyReports {
  readonly #live = new Set<string>();
  readonly #held = new Map<string, Held>();
  readonly #early = new Map<string, { how: string; timer: ReturnType<typeof setTimeout> }>();

  constructor(readonly holdMs: number = DEFAULT_NANNY_HOLD_MS) {}

  /** Nanny `id` connected and registered. */
  nannyJoined(id: string): void {
    this.#live.add(id);
  }

  /** Nanny `id`'s connection closed: no report will come from it, so its held workers are removed now. */
  nannyLeft(id: string): void {
    this.#live.delete(id);
    for (const [address, h] of [...this.#held]) if (h.nanny === id) this.#release(address, h.reason);
  }

  /** True while the removal of worker `address` waits for its nanny's report. */
  isHeld(address: string): boolean {
    return this.#held.has(address);
  }

  /**
   * Worker `address` left (`reason`: what the scheduler saw). Calls `remove(how)` once: now, with
   * an early report or `reason` when there is no live nanny; later, with the nanny's report or
   * `reason` after holdMs. A second call while it is held does nothing.
   */
  workerLeft(address: string, nanny: string | undefined, reason: string, remove: (how: string) => void): void {
    if (this.#held.has(address)) return;
    const early = this.#early.get(address);
    if (early !== undefined) {
      clearTimeout(early.timer);
      this.#early.delete(address);
      return remove(early.how);
    }
    if (nanny === undefined || !this.#live.has(nanny)) return remove(reason);
    const timer = setTimeout(() => this.#release(address, reason), this.holdMs);
    timer.unref?.();
    this.#held.set(address, { nanny, reason, remove, timer });
  }

  /** A nanny's worker-died report: completes a held removal, or is kept for the drop to come. Returns the death in words. */
  report(msg: WorkerDiedMsg): string {
    const how = describeDeath(msg);
    if (msg.address === '') return how; // it died before it had a data address: it never joined
    if (this.#held.has(msg.address)) {
      this.#release(msg.address, how);
      return how;
    }
    const old = this.#early.get(msg.address);
    if (old !== undefined) clearTimeout(old.timer);
    const timer = setTimeout(() => this.#early.delete(msg.address), EARLY_REPORT_KEEP_MS);
    timer.unref?.();
    this.#early.set(msg.address, { how, timer });
    return how;
  }

  /** A worker registered at `address`: a report kept for an earlier worker there is stale. */
  workerJoined(address: string): void {
    const early = this.#early.get(address);
    if (early === undefined) return;
    clearTimeout(early.timer);
    this.#early.delete(address);
  }

  /** Drops every timer (the scheduler is closing). */
  close(): void {
    for (const h of this.#held.values()) clearTimeout(h.timer);
    for (const e of this.#early.values()) clearTimeout(e.timer);
    this.#held.clear();
    this.#early.clear();
  }

  #release(address: string, how: string): void {
    const h = this.#held.get(address);
    if (h === undefined) return;
    clearTimeout(h.timer);
    this.#held.delete(address);
    h.remove(how);
  }
}
