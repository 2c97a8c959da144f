/**
 * The questions a client has asked its scheduler and not yet had answered, by id (who-has,
 * scheduler-stats, dump-state, adaptive-target, retire-workers): each resolves with its answer,
 * or rejects when the scheduler is lost. A question that must be asked again after a
 * reconnection (who-has: the new scheduler never saw it) keeps its message for that.
 */
import type { ClientToScheduler } from '../protocol/messages.js';

interface Pending {
  resolve: (answer: unknown) => void;
  reject: (err: unknown) => void;
  again: ClientToScheduler | undefined;
}

export class PendingRequests {
  readonly #open = new Map<number, Pending>();

  /** Registers question `id`; `again`: the message to send again after a reconnection. */
  open<T>(id: number, again?: ClientToScheduler): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#open.set(id, { resolve: resolve as (answer: unknown) => void, reject, again }));
  }

  /** Resolves question `id` with its answer (an unknown or settled id is ignored). */
  answer(id: number, answer: unknown): void {
    const p = this.#open.get(id);
    this.#open.delete(id);
    p?.resolve(answer);
  }

  /** The ids of the open questions to ask again after a reconnection. */
  repeatable(): number[] {
    const ids: number[] = [];
    for (const [id, p] of this.#open) if (p.again !== undefined) ids.push(id);
    return ids;
  }

  /** The messages of those of `ids` still open, to send again. */
  again(ids: readonly number[]): ClientToScheduler[] {
    const out: ClientToScheduler[] = [];
    for (const id of ids) {
      const m = this.#open.get(id)?.again;
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /** Rejects every open question with `err`. */
  rejectAll(err: Error): void {
    for (const p of this.#open.values()) p.reject(err);
    this.#open.clear();
  }
}
