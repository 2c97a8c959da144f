/**
 * What a worker fetched from its peers since its last report: per peer, the keys, bytes and
 * milliseconds spent fetching, summed. The worker records each finished fetch and drains the
 * totals with its heartbeat into one `transfers` message (so a busy worker sends at most one
 * row per peer per heartbeat, however many fetches it made). Plain data; no timers.
 */

/** One row of the `transfers` message: `[from, keys, bytes, ms]`. */
export type TransferRow = [string, number, number, number];

export class TransferLog {
  readonly #byPeer = new Map<string, TransferRow>();

  /** A fetch from `peer` brought `keys` keys of `bytes` bytes in `ms` milliseconds. */
  record(peer: string, keys: number, bytes: number, ms: number): void {
    const row = this.#byPeer.get(peer);
    if (row === undefined) this.#byPeer.set(peer, [peer, keys, bytes, Math.max(0, ms)]);
    else {
      row[1] += keys;
      row[2] += bytes;
      row[3] += Math.max(0, ms);
    }
  }

  /** The rows since the last drain (undefined when nothing was fetched), and a fresh start. */
  drain(): TransferRow[] | undefined {
    if (this.#byPeer.size === 0) return undefined;
    const rows = [...this.#byPeer.values()];
    this.#byPeer.clear();
    return rows;
  }
}
