/**
 * A P2P shuffle's run as the workers see it: the shuffle's spec (core-graph spec/p2p.ts) with
 * the run the scheduler put its task in (a new one after each restart) and the workers that own
 * its output partitions (contiguous ranges, as Dask's `_get_worker_for_range_sharding`), less the
 * partitions a restart moved off lost workers (`moved`) and those whose buckets it needs anew (`fresh`). The scheduler writes it into arg 0 of
 * every p2p task it sends (scheduler-runs.ts); workers read it back here. A transfer sent after a
 * restart may also carry, as arg 3, the only output partitions it still owes (restart-plan.ts).
 * Pure.
 */
import { P2P_BARRIER_OP, P2P_TRANSFER_OP, P2P_UNPACK_OP, type Node, type P2PShuffleSpec, type Task } from '@tsdask/core-graph';
import type { WireNode } from '../protocol/messages.js';
import { decodeNode, encodeNode } from '../protocol/values.js';

/** The spec of one run of a shuffle. */
export interface P2PRunSpec extends P2PShuffleSpec {
  /** The run: 1 for the first, one more for each restart. */
  run: number;
  /** Data addresses of the workers owning the output partitions in contiguous ranges (see ownerOf). */
  workers: string[];
  /**
   * Partitions moved off lost workers by restarts (restart-plan.ts): partition -> its owner now,
   * or '' for one that needs no buckets (its unpack is done and held on a live worker).
   */
  moved?: Record<number, string>;
  /**
   * Partitions whose buckets are needed anew from a run on (restart-plan.ts): partition -> that
   * run. A bucket delivered in an earlier run no longer counts, even to the same owner (a worker
   * that unpacked a partition removed its file, and a restart may give the partition back to it).
   */
  fresh?: Record<number, number>;
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

/**
 * The wire node with arg 0 replaced by `spec`; a transfer's arg 3 becomes `only` (the output
 * partitions it still owes; undefined: all of them).
 */
export function withSpec(wire: WireNode, spec: P2PRunSpec, only?: readonly number[]): WireNode {
  const node = decodeNode(wire) as Task;
  const rest = node.op === P2P_TRANSFER_OP ? node.args.slice(1, 3) : node.args.slice(1);
  return encodeNode({ op: node.op, args: [spec, ...rest, ...(only !== undefined && node.op === P2P_TRANSFER_OP ? [only.slice()] : [])] } as Node);
}

/** The output partitions a transfer node owes (arg 3), or undefined for all of them. */
export function owedBy(node: Task): readonly number[] | undefined {
  const only = node.args[3];
  return Array.isArray(only) ? (only as number[]) : undefined;
}

/** The worker owning output partition `j` in the contiguous ranges of `spec.workers` (no moves). */
export function rangeOwnerOf(spec: P2PShuffleSpec & { workers: readonly string[] }, j: number): string {
  const w = spec.workers;
  return w[Math.min(w.length - 1, Math.floor((j * w.length) / spec.outputs))]!;
}

/**
 * The worker owning output partition `j` in a run: a moved partition's new owner, else its range
 * owner. '' for a partition that needs no buckets any more (transfers skip it).
 */
export function ownerOf(spec: P2PRunSpec, j: number): string {
  return spec.moved?.[j] ?? rangeOwnerOf(spec, j);
}

/** Whether partition `j`'s bucket, delivered to `owner` in run `run`, still counts in `spec`: the owner is the same, and the partition was not needed anew since. */
export function stillDelivered(spec: P2PRunSpec, j: number, owner: string, run: number): boolean {
  return owner !== '' && ownerOf(spec, j) === owner && run >= (spec.fresh?.[j] ?? 0);
}
