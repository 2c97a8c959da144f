/**
 * Which gather-dep transfers to start: a pure function of the keys waiting in `fetch` (in
 * priority order), the transfers already in flight, and the limits. Policy: take the first
 * key that some peer can still serve; fetch it from its least busy holder (ties: by name);
 * batch into that transfer the next keys, in priority order, that the same peer holds, up to
 * the byte budget (the first key always goes, however big); stop at `maxTransfers` in flight
 * in total, and skip peers with `maxTransfersPerPeer` in flight already.
 */

/** Limits on transfers from peers. */
export interface TransferLimits {
  /** Byte budget of one transfer (the first key of a transfer may exceed it alone). */
  transferBytes: number;
  /** At most this many transfers in flight, in total. */
  maxTransfers: number;
  /** At most this many transfers in flight from one peer. */
  maxTransfersPerPeer: number;
}

/** A key waiting to be fetched. */
export interface FetchCandidate {
  key: string;
  whoHas: ReadonlySet<string>;
  nbytes: number;
}

/** One transfer to start. */
export interface PlannedTransfer {
  peer: string;
  keys: string[];
  totalBytes: number;
}

/** Plans the transfers to start now (see the header for the policy); `candidates` in priority order. */
export function planTransfers(
  candidates: readonly FetchCandidate[],
  inFlightPerPeer: ReadonlyMap<string, number>,
  inFlightTotal: number,
  limits: TransferLimits,
): PlannedTransfer[] {
  const perPeer = new Map(inFlightPerPeer);
  const taken = new Uint8Array(candidates.length);
  const out: PlannedTransfer[] = [];
  let total = inFlightTotal;
  for (let i = 0; i < candidates.length && total < limits.maxTransfers; i++) {
    if (taken[i]) continue;
    const first = candidates[i]!;
    let peer: string | undefined;
    let load = Infinity;
    for (const p of first.whoHas) {
      const n = perPeer.get(p) ?? 0;
      if (n >= limits.maxTransfersPerPeer) continue;
      if (n < load || (n === load && peer !== undefined && p < peer)) [peer, load] = [p, n];
    }
    if (peer === undefined) continue;
    const keys = [first.key];
    let totalBytes = first.nbytes;
    taken[i] = 1;
    for (let j = i + 1; j < candidates.length; j++) {
      const c = candidates[j]!;
      if (taken[j] || !c.whoHas.has(peer) || totalBytes + c.nbytes > limits.transferBytes) continue;
      keys.push(c.key);
      totalBytes += c.nbytes;
      taken[j] = 1;
    }
    perPeer.set(peer, load + 1);
    total++;
    out.push({ peer, keys, totalBytes });
  }
  return out;
}
