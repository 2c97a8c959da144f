/**
 * The scheduler's part in P2P shuffles (as distributed's ShuffleSchedulerPlugin): it numbers a
 * shuffle's runs, decides which workers own its output partitions, pins each unpack to its
 * partition's owner, and restarts the shuffle when a worker of its run is lost.
 *
 * - A run begins when the shuffle's first task is sent, and again at the first transfer sent after
 *   a restart. Its workers are the workers live then, in connection order; output j belongs to
 *   ownerOf(run, j). A transfer computed again for another reason (its small result was lost,
 *   missing-data) stays in its run: receivers drop the buckets they already have.
 * - Every p2p task sent carries its run's spec (arg 0 rewritten: `prepare`).
 * - `ownerFor(task)`: the worker an unpack must run on (the state machine's `restrict` hook).
 * - `restartFor(worker)`: when a worker of a run leaves while some unpack still needs the run's
 *   files (waiting, queued, processing, or its result only on that worker), every transfer and
 *   the barrier are computed again (the state machine drops their results with the worker's:
 *   WorkerRemoved.restart) and the next transfer sent opens a new run without the lost worker.
 *   Buckets the survivors hold for the old run are dropped by them when the new run's arrive.
 *   After more than `maxRestarts` restarts the shuffle's tasks are sent marked failed, and the
 *   compute fails with P2PShuffleError TSDASK_P2P_RESTARTS naming the lost workers.
 */
import { chunkKey, type Key, type Task } from '@tsdask/core-graph';
import type { WireNode } from '../protocol/messages.js';
import { decodeNode } from '../protocol/values.js';
import type { SchedulerState } from '../scheduler/state/scheduler-state.js';
import type { TaskRecord } from '../scheduler/state/task-record.js';
import { MEMORY, PROCESSING, QUEUED, WAITING } from '../scheduler/state/task-states.js';
import { ownerOf, p2pKindOfWire, specOf, withSpec, type P2PRunSpec } from './run-spec.js';

/** What the scheduler knows of one shuffle. */
interface ShuffleRun {
  spec: P2PRunSpec;
  /** A worker of the run was lost: the next transfer sent opens a new run. */
  restarting: boolean;
  restarts: number;
  /** Workers lost during its runs, with how. */
  lost: string[];
}

/** The P2P shuffles the scheduler runs. */
export class SchedulerShuffles {
  readonly #shuffles = new Map<string, ShuffleRun>();
  /** Per task asked about: its shuffle id and output partition when it is an unpack, else null (decoded once). */
  readonly #unpacks = new WeakMap<TaskRecord, { id: string; j: number } | null>();

  constructor(
    private readonly state: SchedulerState,
    private readonly maxRestarts: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Shuffles known (for tests and diagnostics). */
  get size(): number {
    return this.#shuffles.size;
  }

  /** The node to send with compute-task: a p2p task's carries its run's spec; others pass unchanged. */
  prepare(wire: WireNode): WireNode {
    const kind = p2pKindOfWire(wire);
    if (kind === undefined) return wire;
    const spec = specOf(decodeNode(wire) as Task);
    let s = this.#shuffles.get(spec.id);
    if (s === undefined) {
      s = { spec: { ...spec, run: 0, workers: [] }, restarting: false, restarts: 0, lost: [] };
      this.#shuffles.set(spec.id, s);
    }
    if (s.spec.run === 0 || (kind === 'transfer' && s.restarting)) {
      const { failed } = s.spec;
      s.spec = { ...spec, run: s.spec.run + 1, workers: [...this.state.workers.keys()], ...(failed !== undefined ? { failed } : {}) };
      s.restarting = false;
    }
    return withSpec(wire, s.spec);
  }

  /** The worker unpack task `t` must run on (its partition's owner in the current run), if `t` is one. */
  ownerFor(t: TaskRecord): string | undefined {
    let u = this.#unpacks.get(t);
    if (u === undefined) {
      const wire = t.node as unknown as WireNode;
      if (p2pKindOfWire(wire) !== 'unpack') u = null;
      else {
        const node = decodeNode(wire) as Task;
        u = { id: specOf(node).id, j: node.args[1] as number };
      }
      this.#unpacks.set(t, u);
    }
    if (u === null) return undefined;
    const s = this.#shuffles.get(u.id);
    if (s === undefined || s.spec.workers.length === 0) return undefined;
    return ownerOf(s.spec, u.j);
  }

  /** Keys to compute again because `worker` left (see the header); [] when no shuffle needs it. */
  restartFor(worker: string, how: string): Key[] {
    const keys: Key[] = [];
    for (const [id, s] of this.#shuffles) {
      const { spec } = s;
      let anyUnpack = false;
      let needsRun = false;
      for (let j = 0; j < spec.outputs; j++) {
        const t = this.state.tasks.get(chunkKey(spec.unpack, j));
        if (t === undefined) continue;
        anyUnpack = true;
        if (t.state === WAITING || t.state === QUEUED || t.state === PROCESSING) needsRun = true;
        else if (t.state === MEMORY && [...t.whoHas].every((w) => w.name === worker)) needsRun = true;
      }
      if (!anyUnpack && this.state.tasks.get(spec.barrier) === undefined) {
        this.#shuffles.delete(id); // finished and forgotten
        continue;
      }
      if (!needsRun || !spec.workers.includes(worker)) continue;
      s.restarts++;
      s.lost.push(`${worker} (${how})`);
      s.restarting = true; // the next transfer sent opens a new run
      if (s.restarts > this.maxRestarts && s.spec.failed === undefined)
        s.spec = {
          ...s.spec,
          failed:
            `it was restarted ${s.restarts - 1} times and lost a worker again; workers lost: ${s.lost.join('; ')}. ` +
            'Workers may be running out of memory during the shuffle: give them more memory or split the data into more partitions.',
        };
      this.log(`tsdask-scheduler: p2p shuffle ${id}: worker ${worker} of run ${spec.run} lost (${how}); restart ${s.restarts} of at most ${this.maxRestarts}`);
      for (let i = 0; i < spec.inputs; i++) {
        const k = chunkKey(spec.transfer, i);
        if (this.state.tasks.has(k)) keys.push(k);
      }
      if (this.state.tasks.has(spec.barrier)) keys.push(spec.barrier);
    }
    return keys;
  }
}
