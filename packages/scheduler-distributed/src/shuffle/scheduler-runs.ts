/**
 * The scheduler's part in P2P shuffles (as distributed's ShuffleSchedulerPlugin): it numbers a
 * shuffle's runs, decides which workers own its output partitions, pins each unpack to its
 * partition's owner, and restarts only what a lost worker held (restart-plan.ts).
 *
 * - Run 1 begins when the shuffle's first task is sent. Its workers are the workers live then, in
 *   connection order; output j belongs to ownerOf(run, j). A transfer computed again for another
 *   reason (its small result was lost, missing-data) stays in its run: receivers drop the buckets
 *   they already have.
 * - Every p2p task sent carries its run's spec (arg 0 rewritten: `prepare`); a transfer sent
 *   after a restart also carries the partitions it still owes (arg 3).
 * - `ownerFor(task)`: the worker an unpack must run on (the state machine's `restrict` hook).
 * - `restartFor(worker)`: when a worker leaves that owns a partition whose unpack is still to run
 *   (or holds the only copy of an unpacked output, or of a result computed from an unpacked output
 *   already released: that output is needed again, and its owner removed its file, so it moves),
 *   the shuffle restarts. What each transfer had
 *   delivered is noted (all of them when the barrier had run), every transfer and the barrier are
 *   computed again (WorkerRemoved.restart: their inputs only where no worker holds them), and
 *   the next transfer sent opens a new run: the lost worker's partitions move to the live workers
 *   (planMoves) and each transfer that had delivered sends only the moved partitions (owedParts).
 *   Survivors keep their files and their unpacked outputs; an unpack they were running when the
 *   barrier went is sent again and reads its file again (worker-shuffles.ts keeps a file until its
 *   unpack's result is kept). After more than `maxRestarts` restarts the shuffle's tasks are sent
 *   marked failed, and the compute fails with P2PShuffleError TSDASK_P2P_RESTARTS naming the lost
 *   workers. Dask restarts the whole shuffle instead (restart-plan.ts says how).
 */
import { chunkKey, type Key, type Task } from '@tsdask/core-graph';
import type { WireNode } from '../protocol/messages.js';
import { decodeNode } from '../protocol/values.js';
import type { SchedulerState } from '../scheduler/state/scheduler-state.js';
import { needed } from '../scheduler/state/release.js';
import type { TaskRecord } from '../scheduler/state/task-record.js';
import { MEMORY, PROCESSING, QUEUED, RELEASED, WAITING } from '../scheduler/state/task-states.js';
import { owedParts, planMoves, type PartStatus } from './restart-plan.js';
import { ownerOf, p2pKindOfWire, specOf, withSpec, type P2PRunSpec } from './run-spec.js';

/** What the scheduler knows of one shuffle. */
interface ShuffleRun {
  spec: P2PRunSpec;
  /** A worker of the run was lost: the next transfer sent opens a new run. */
  restarting: boolean;
  restarts: number;
  /** Workers lost during its runs, with how. */
  lost: string[];
  /** Their names: never owners again. */
  lostNames: Set<string>;
  /** Per input: the spec under which its transfer last delivered all its buckets (undefined: never). */
  delivered: (P2PRunSpec | undefined)[];
  /** Partitions whose unpacked result was lost with a worker other than their owner, or needed again after their owner removed their file: they move at the next run. */
  forced: Set<number>;
  /** The run its barrier was last sent in (0: never): every transfer had delivered in that run. */
  barrierRun: number;
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
      s = {
        spec: { ...spec, run: 0, workers: [] },
        restarting: false,
        restarts: 0,
        lost: [],
        lostNames: new Set(),
        delivered: [],
        forced: new Set(),
        barrierRun: 0,
      };
      this.#shuffles.set(spec.id, s);
    }
    if (s.spec.run === 0) s.spec = { ...spec, run: 1, workers: [...this.state.workers.keys()] };
    else if (kind === 'transfer' && s.restarting) this.#openRestart(s);
    if (kind === 'barrier') s.barrierRun = s.spec.run;
    if (kind !== 'transfer' || s.spec.run === 1) return withSpec(wire, s.spec);
    const input = (decodeNode(wire) as Task).args[1] as number;
    return withSpec(wire, s.spec, owedParts(s.delivered[input], s.spec));
  }

  /** Opens the run after a restart: the lost workers' partitions move (restart-plan.ts); stays restarting while no worker can take them. */
  #openRestart(s: ShuffleRun): void {
    const { spec } = s;
    const plan = planMoves(spec, s.lostNames, [...this.state.workers.keys()], (j) => this.#status(spec, j), s.forced);
    if (plan === undefined) return;
    const next: P2PRunSpec = { ...spec, run: spec.run + 1 };
    delete next.moved;
    if (Object.keys(plan.moved).length > 0) next.moved = plan.moved;
    s.spec = next;
    s.restarting = false;
    s.forced.clear();
    const to = [...new Set(plan.assigned.map((j) => plan.moved[j]))].join(', ');
    this.log(
      `tsdask-scheduler: p2p shuffle ${spec.id}: run ${s.spec.run} moves output(s) ${plan.assigned.join(',') || '(none)'} to ${to || '-'}; the other outputs keep their owners and buckets`,
    );
  }

  /** Output `j`'s unpack: still to run, done (held by a live worker), or not wanted. */
  #status(spec: P2PRunSpec, j: number): PartStatus {
    const t = this.state.tasks.get(chunkKey(spec.unpack, j));
    if (t === undefined) return 'unused';
    if (t.state === WAITING || t.state === QUEUED || t.state === PROCESSING) return 'pending';
    return t.state === MEMORY ? 'done' : 'unused';
  }

  /** The worker unpack task `t` must run on (its partition's owner in the current run), if `t` is one. */
  ownerFor(t: TaskRecord): string | undefined {
    const u = this.#unpackOf(t);
    if (u === null) return undefined;
    const s = this.#shuffles.get(u.id);
    if (s === undefined || s.spec.workers.length === 0) return undefined;
    const owner = ownerOf(s.spec, u.j);
    return owner === '' ? undefined : owner;
  }

  /** `t`'s shuffle id and output partition when it is an unpack, else null (decoded once per record). */
  #unpackOf(t: TaskRecord): { id: string; j: number } | null {
    let u = this.#unpacks.get(t);
    if (u === undefined) {
      const wire = t.node as unknown as WireNode;
      if (wire === null || p2pKindOfWire(wire) !== 'unpack') u = null;
      else {
        const node = decodeNode(wire) as Task;
        u = { id: specOf(node).id, j: node.args[1] as number };
      }
      this.#unpacks.set(t, u);
    }
    return u;
  }

  /**
   * Whether a task-finished or task-erred for p2p task `key` from `worker` is stale: it names a
   * run older than its shuffle's current one (as Dask's run_id checks; the worker reports the run
   * of every p2p result, finished or failed). A restart took the task back (free-keys) and sent it
   * again in the new run; the old report crossed those messages. Taking it would leave a transfer's
   * buckets for moved partitions unsent (the barrier then fails with TSDASK_P2P_STALE), or fail the
   * compute with an error of a run that is over (a transfer that gave up after its retries:
   * TSDASK_P2P_PEER). Returns undefined when the report is to be taken (any other task, or one
   * that names no run), else the keys to restart: an unpack that finished in an older run, or
   * after a restart took it back, removed its file, so when its partition is still to unpack on
   * that worker, it moves at a new run (a restart; [] when the restart under way moves it).
   */
  staleReport(key: Key, run: number | undefined, worker: string, finished: boolean): Key[] | undefined {
    if (run === undefined) return undefined;
    const t = this.state.tasks.get(key);
    if (t === undefined) return undefined;
    const wire = t.node as unknown as WireNode;
    const kind = p2pKindOfWire(wire);
    if (kind === undefined) return undefined;
    const node = decodeNode(wire) as Task;
    const s = this.#shuffles.get(specOf(node).id);
    if (s === undefined) return undefined;
    // An unpack's finish in the run under restart, from a worker it is no longer processing on: the restart took it back.
    const takenBack = kind === 'unpack' && finished && s.restarting && !(t.state === PROCESSING && t.processingOn?.name === worker);
    if (run >= s.spec.run && !takenBack) return undefined;
    this.log(
      `tsdask-scheduler: p2p shuffle ${s.spec.id}: dropped ${worker}'s ${finished ? 'finish' : 'failure'} of '${key}' from run ${run}; the shuffle is in run ${s.spec.run}`,
    );
    const j = node.args[1] as number;
    if (kind !== 'unpack' || !finished || t.state === MEMORY || ownerOf(s.spec, j) !== worker) return [];
    if (s.restarting) {
      s.forced.add(j); // the run to open moves it
      return [];
    }
    const keys: Key[] = [];
    this.#restart(s, [j], `output ${j} unpacked by ${worker} in run ${run} after a restart took it back (its file is gone)`, keys);
    return keys;
  }

  /** Keys to compute again because `worker` left (see the header); [] when no shuffle needs it. */
  restartFor(worker: string, how: string): Key[] {
    const keys: Key[] = [];
    for (const [id, s] of this.#shuffles) {
      const { spec } = s;
      let anyUnpack = false;
      let needsRun = false;
      const forced: number[] = [];
      for (let j = 0; j < spec.outputs && spec.run > 0; j++) {
        const t = this.state.tasks.get(chunkKey(spec.unpack, j));
        if (t === undefined) continue;
        anyUnpack = true;
        const owner = ownerOf(spec, j);
        if ((t.state === WAITING || t.state === QUEUED || t.state === PROCESSING) && owner === worker) needsRun = true;
        else if (t.state === MEMORY && [...t.whoHas].every((w) => w.name === worker)) {
          needsRun = true;
          if (owner !== worker && owner !== '') forced.push(j); // its owner read and removed its file
        } else if (t.state === RELEASED && owner !== '' && heldOnlyOnBelow(t, worker)) {
          // Unpacked, its result released once its dependents ran, and one of those is lost with
          // `worker`: it is computed again, but its owner removed its file.
          needsRun = true;
          if (owner !== worker) forced.push(j);
        }
      }
      if (!anyUnpack && this.state.tasks.get(spec.barrier) === undefined) {
        this.#shuffles.delete(id); // finished and forgotten
        continue;
      }
      if (!needsRun) continue;
      s.lostNames.add(worker);
      this.#restart(s, forced, `worker ${worker} of run ${spec.run} lost (${how})`, keys);
    }
    return keys;
  }

  /**
   * Keys to compute again before missing-data for `key` is applied (`worker` could fetch it from
   * none of `tried`; no worker was lost): when that drops its last holder while it is needed, it
   * is computed again, and so is every unpack it reads through released results (or `key` itself,
   * an unpack). Their owners removed their files, so their shuffle restarts and they move, as for
   * a lost worker; [] when no shuffle output is needed again.
   */
  restartForMissing(key: Key, worker: string, tried: readonly string[]): Key[] {
    const t = this.state.tasks.get(key);
    if (this.#shuffles.size === 0 || t === undefined || t.state !== MEMORY || !needed(t)) return [];
    for (const h of t.whoHas) if (!tried.includes(h.name)) return []; // a holder is left
    const forced = new Map<ShuffleRun, number[]>();
    const seen = new Set<TaskRecord>([t]);
    for (const stack = [t]; stack.length > 0;) {
      const d = stack.pop()!;
      const u = this.#unpackOf(d);
      const s = u === null ? undefined : this.#shuffles.get(u.id);
      if (u !== null && s !== undefined && s.spec.run > 0) {
        if (ownerOf(s.spec, u.j) !== '') forced.set(s, [...(forced.get(s) ?? []), u.j]);
        continue; // an unpack reads only its barrier
      }
      for (const dep of d.deps) {
        if (dep.state !== RELEASED || seen.has(dep)) continue;
        seen.add(dep);
        stack.push(dep);
      }
    }
    const keys: Key[] = [];
    for (const [s, js] of forced)
      this.#restart(s, js, `output(s) ${js.join(',')} needed again: ${worker} could not fetch '${key}' from ${tried.join(', ') || '(none)'}`, keys);
    return keys;
  }

  /** Restarts shuffle `s` (`why`, in words): `forced` outputs move; the keys to compute again (its transfers and barrier) go to `keys`. */
  #restart(s: ShuffleRun, forced: readonly number[], why: string, keys: Key[]): void {
    const { spec } = s;
    this.#noteDeliveries(s);
    for (const j of forced) s.forced.add(j);
    s.restarts++;
    s.lost.push(why);
    s.restarting = true; // the next transfer sent opens a new run
    if (s.restarts > this.maxRestarts && s.spec.failed === undefined)
      s.spec = {
        ...s.spec,
        failed:
          `it was restarted ${s.restarts - 1} times and lost a worker or an output again: ${s.lost.join('; ')}. ` +
          'Workers may be running out of memory during the shuffle, or the network failing: give them more memory or split the data into more partitions.',
      };
    this.log(`tsdask-scheduler: p2p shuffle ${spec.id}: ${why}; restart ${s.restarts} of at most ${this.maxRestarts}`);
    for (let i = 0; i < spec.inputs; i++) {
      const k = chunkKey(spec.transfer, i);
      if (this.state.tasks.has(k)) keys.push(k);
    }
    if (this.state.tasks.has(spec.barrier)) keys.push(spec.barrier);
  }

  /** Notes which transfers delivered all their buckets in the current run: all once its barrier was sent (every transfer had finished in it), else those in memory. */
  #noteDeliveries(s: ShuffleRun): void {
    if (s.restarting) return; // restarted already and not run again since: nothing new was delivered
    const { spec } = s;
    const all = s.barrierRun === spec.run;
    for (let i = 0; i < spec.inputs; i++) if (all || this.state.tasks.get(chunkKey(spec.transfer, i))?.state === MEMORY) s.delivered[i] = spec;
  }
}

/** Whether a result computed from `t` (a dependent, or one of theirs through released ones) is held by `worker` alone: losing it needs `t` again. */
function heldOnlyOnBelow(t: TaskRecord, worker: string, seen = new Set<TaskRecord>()): boolean {
  for (const d of t.dependents) {
    if (seen.has(d)) continue;
    seen.add(d);
    if (d.state === MEMORY && [...d.whoHas].every((w) => w.name === worker)) return true;
    if (d.state === RELEASED && heldOnlyOnBelow(d, worker, seen)) return true;
  }
  return false;
}
