/**
 * A P2P shuffle's run as the workers see it: the shuffle's spec (core-graph spec/p2p.ts) with
 * the run the scheduler put its task in (a new one after each restart) and the workers that own
 * its output partitions (contiguous ranges, as Dask's `_get_worker_for_range_sharding`). The
 * scheduler writes it into arg 0 of every p2p task it sends (scheduler-runs.ts); workers read it
 * back here. Pure.
 */
import { P2P_BARRIER_OP, P2P_TRANSFER_OP, P2P_UNPACK_OP, type Node, type P2PShuffleSpec, type Task } from '@tsdask/core-graph';
import type { WireNode } from '../protocol/messages.js';
import { decodeNode, encodeNode } from '../protocol/values.js';

/** The spec of one run of a shuffle. */
export interface P2PRunSpec extends P2PShuffleSpec {
  /** The run: 1 for the first, one more for each restart. */
  run: number;
  /** Data addresses of the workers owning the output partitions (see ownerOf). */
  workers: string[];
  /** Set when the shuffle gave up (too many restarts): the task fails with this message. */
  failed?: string;
}

/** Which p2p task a node is. */
export type P2PKind = 'transfer' | 'barrier' | 'unpack';

const KINDS: Record<string, P2PKind> = { [P2P_TRANSFER_OP]: 'transfer', [P2P_BARRIER_OP]: 'barrier', [P2P_UNPACK_OP]: 'unpack' };
/** How a JSON wire node of each p2p task begins (`{"op":...` is how JSON.stringify writes a task). */
const PREFIXES = Object.keys(KINDS).map((op) => `{"op":${JSON.stringify(op)}`);

/** The p2p kind of a wire node, cheaply (most nodes are JSON text); undefined for any other task. */
export function p2pKindOfWire(wire: WireNode): P2PKind | undefined {
  if (typeof wire === 'string') {
    if (!wire.startsWith('{"op":"p2p:')) return undefined;
    for (let i = 0; i < PREFIXES.length; i++) if (wire.startsWith(PREFIXES[i]!)) return Object.values(KINDS)[i];
    return undefined;
  }
  return p2pKindOf(decodeNode(wire));
}

/** The p2p kind of a decoded node. */
export function p2pKindOf(node: unknown): P2PKind | undefined {
  if (typeof node !== 'object' || node === null || !('op' in node)) return undefined;
  return KINDS[(node as Task).op];
}

/** The spec in arg 0 of a p2p task. */
export function specOf(node: Task): P2PRunSpec {
  return node.args[0] as P2PRunSpec;
}

/** The wire node with arg 0 replaced by `spec`. */
export function withSpec(wire: WireNode, spec: P2PRunSpec): WireNode {
  const node = decodeNode(wire) as Task;
  return encodeNode({ op: node.op, args: [spec, ...node.args.slice(1)] } as Node);
}

/** The worker owning output partition `j` in a run: partitions in contiguous ranges, in the run's worker order. */
export function ownerOf(spec: P2PRunSpec, j: number): string {
  const w = spec.workers;
  return w[Math.min(w.length - 1, Math.floor((j * w.length) / spec.outputs))]!;
}
