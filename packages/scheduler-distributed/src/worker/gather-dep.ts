/**
 * The worker's gather-dep instruction: fetches keys from a peer's data port (protocol/peer-pool.ts),
 * puts each value still awaited (its task in 'flight') in the store, records the transfer for the
 * heartbeat (transfer-log.ts), and tells the machine gather-dep-success with what came, or
 * gather-dep-failure with the error.
 */
import type { PeerPool } from '../protocol/peer-pool.js';
import type { DataStore } from './data-store.js';
import type { WorkerStimulus } from './state/messages.js';
import type { WorkerStateMachine } from './state/machine.js';
import type { TransferLog } from './transfer-log.js';

/** What a fetch uses of its worker. */
export interface GatherContext {
  readonly peers: PeerPool;
  readonly store: DataStore;
  readonly machine: WorkerStateMachine;
  readonly transfers: TransferLog;
  closing(): boolean;
  sid(what: string): string;
  handle(stimulus: WorkerStimulus): void;
  log(line: string): void;
}

/** Fetches `keys` from `peer` for transfer `transferId`; the outcome reaches the machine as a stimulus. */
export function gatherDep(c: GatherContext, transferId: number, peer: string, keys: string[]): void {
  const began = performance.now();
  c.peers.getData(peer, keys).then(
    (fetched) => {
      if (c.closing()) return;
      const received: { key: string; nbytes: number }[] = [];
      let bytes = 0;
      for (const [key, value] of fetched.values) {
        if (!keys.includes(key) || c.machine.stateOf(key) !== 'flight') continue;
        const nbytes = fetched.nbytes.get(key) ?? 0;
        c.store.put(key, value, nbytes);
        received.push({ key, nbytes });
        bytes += nbytes;
      }
      if (received.length > 0) c.transfers.record(peer, received.length, bytes, performance.now() - began);
      c.handle({ type: 'gather-dep-success', stimulusId: c.sid('gather-dep-success'), transferId, received });
    },
    (err: Error) => {
      if (c.closing()) return;
      c.log(`fetching ${keys.length} key(s) from ${peer} failed: ${err.message}`);
      c.handle({ type: 'gather-dep-failure', stimulusId: c.sid('gather-dep-failure'), transferId, error: err });
    },
  );
}
