/**
 * The distributed worker's state machine (as distributed's `WorkerState`): pure, no sockets,
 * timers or files. `handle(...stimuli)` applies stimuli (messages.ts) and returns the
 * instructions for the worker's shell; every move is checked against the table of
 * task-states.ts and logged with its stimulus id, so `story(key)` tells a task's history, and
 * `validate()` checks the invariants (tests call it after every step).
 *
 * Policy:
 * - compute-task: inputs not in memory here are fetched from the peers that hold them; the
 *   task waits until all are in memory, then is ready. An input takes the best priority of the
 *   tasks that need it.
 * - compute-task again for a task waiting here refreshes where its inputs are: a missing input
 *   with holders now is fetched again (how the scheduler answers missing-data).
 * - compute-task for a key in flight here (fetched for a local task) lets the transfer finish;
 *   if it fails, the key is computed here as asked, never reported missing: the scheduler has it
 *   processing here (its holder died) and would wait for it forever.
 * - compute-task for a key erred here runs it again. The scheduler frees no erred key on its
 *   worker, so this is a new attempt (the client submitted the key again after fixing what it
 *   reads), never a copy of the one that failed; ignoring it left the key processing here
 *   forever. Dask's worker answers with the stored error instead: its scheduler frees an erred
 *   key on the worker first (erred -> released sends free-keys), so there only a duplicate meets it.
 * - At most `nthreads` tasks execute; ready tasks start by priority (lower first, then arrival).
 * - Fetches are batched per peer into gather-dep transfers (transfer-policy.ts).
 * - A failed or short transfer drops that peer for those keys and retries from another holder;
 *   with none left the key is missing and the scheduler gets missing-data.
 * - receive-data (a scatter): the value is kept and reported, whatever the key was waiting for,
 *   unless its own transfer or run is under way: then that result is kept and the copy dropped.
 * - Paused: no new execute and no new gather-dep; results of running work are still taken.
 * - The scheduler knows a key is here once told (task-finished): such keys, and tasks it asked
 *   for, are `wanted` and stay until free-keys / remove-replicas. Inputs fetched only for local
 *   tasks are released when their last local dependent has run. A key still needed by a local
 *   task is kept; work in flight or executing is finished first and released on arrival.
 */
import { WorkerTransitionError, type WorkerStoryLine } from './errors.js';
import type { ComputeTaskStimulus, TaskInput, WorkerInstruction, WorkerStimulus } from './messages.js';
import { StoryLog } from './story-log.js';
import {
  ERROR,
  EXECUTING,
  FETCH,
  FLIGHT,
  isLegalWorkerTransition,
  MEMORY,
  MISSING,
  READY,
  RELEASED,
  WAITING,
  WORKER_STATES,
  type WorkerTaskState,
} from './task-states.js';
import { planTransfers, type TransferLimits } from './transfer-policy.js';
import { validateWorkerState } from './validate.js';
import { DEFAULT_NBYTES, newWorkerTask, runsBefore, type WorkerTask, type WorkerTransfer } from './worker-task.js';

/** Options of a worker's state machine. */
export interface WorkerStateOptions extends Partial<TransferLimits> {
  /** Slots: at most this many tasks execute at once (the executor's threads times its depth; changed by 'set-slots'). */
  nthreads: number;
  /** story() keeps at least this many of the latest moves (the oldest are dropped in halves). */
  storyCapacity?: number;
}

/** The pure state machine of a distributed worker. */
export class WorkerStateMachine {
  /** At most this many tasks execute at once (the executor's slots). */
  nthreads: number;
  /** Tasks executing beyond `nthreads` since it shrank ('set-slots'): they finish, none is stopped. */
  overSlots = 0;
  readonly limits: TransferLimits;
  paused = false;
  /** Every task the worker knows (a released task is forgotten). */
  readonly tasks = new Map<string, WorkerTask>();
  readonly transfers = new Map<number, WorkerTransfer>();
  readonly transfersPerPeer = new Map<string, number>();
  readonly ready = new Set<WorkerTask>();
  readonly fetching = new Set<WorkerTask>();
  executing = 0;
  readonly #log: StoryLog;
  #seq = 0;
  #nextTransfer = 0;

  constructor(options: WorkerStateOptions) {
    this.nthreads = options.nthreads;
    this.limits = {
      transferBytes: options.transferBytes ?? 50 * 2 ** 20,
      maxTransfers: options.maxTransfers ?? 50,
      maxTransfersPerPeer: options.maxTransfersPerPeer ?? 8,
    };
    this.#log = new StoryLog(options.storyCapacity ?? 100_000);
  }

  /** Applies the stimuli in order and returns the instructions they cause. */
  handle(...stimuli: WorkerStimulus[]): WorkerInstruction[] {
    const out: WorkerInstruction[] = [];
    for (const s of stimuli) {
      this.#apply(s, out);
      this.#ensureComputing(s.stimulusId, out);
      this.#ensureCommunicating(s.stimulusId, out);
    }
    return out;
  }

  /** The state of `key` here, or undefined when the worker does not know it. */
  stateOf(key: string): WorkerTaskState | undefined {
    const t = this.tasks.get(key);
    return t === undefined ? undefined : WORKER_STATES[t.state];
  }

  /** The moves of `key` still in the log, oldest first. */
  story(key: string): WorkerStoryLine[] {
    return this.#log.story(key);
  }

  /** Checks the machine's invariants; throws an Error naming the first one broken. */
  validate(): void {
    validateWorkerState(this);
  }

  #apply(s: WorkerStimulus, out: WorkerInstruction[]): void {
    const sid = s.stimulusId;
    switch (s.type) {
      case 'compute-task':
        return this.#computeTask(s, out);
      case 'execute-success':
      case 'execute-failure': {
        const t = this.tasks.get(s.key);
        if (t === undefined || t.state !== EXECUTING) return; // stale: not running here
        if (t.releaseWhenDone) {
          if (s.type === 'execute-success') out.push({ type: 'release-data', stimulusId: sid, key: t.key });
          this.#forget(t, sid);
        } else if (s.type === 'execute-failure') {
          this.#move(t, ERROR, sid);
          if (t.wanted) out.push({ type: 'task-erred', stimulusId: sid, key: t.key, error: s.error });
        } else {
          t.nbytes = s.nbytes;
          this.#arrived(t, sid, out);
        }
        // Its inputs are no longer needed by it (those fetched only for it are released).
        return this.#unlinkInputs(t, sid, out);
      }
      case 'gather-dep-success':
      case 'gather-dep-failure': {
        const tr = this.transfers.get(s.transferId);
        if (tr === undefined) return;
        this.transfers.delete(s.transferId);
        const left = this.transfersPerPeer.get(tr.peer)! - 1;
        if (left === 0) this.transfersPerPeer.delete(tr.peer);
        else this.transfersPerPeer.set(tr.peer, left);
        const got = new Map<string, number>();
        if (s.type === 'gather-dep-success') for (const r of s.received) got.set(r.key, r.nbytes);
        for (const t of tr.tasks) {
          t.transferId = -1;
          const nbytes = got.get(t.key);
          if (nbytes !== undefined) {
            if (t.releaseWhenDone) {
              out.push({ type: 'release-data', stimulusId: sid, key: t.key });
              this.#forget(t, sid);
            } else {
              t.nbytes = nbytes;
              this.#arrived(t, sid, out);
            }
            continue;
          }
          t.whoHas.delete(tr.peer);
          t.tried.add(tr.peer);
          const compute = t.computeIfLost;
          t.computeIfLost = undefined;
          if (t.releaseWhenDone) this.#forget(t, sid);
          else if (compute !== undefined) {
            this.#move(t, RELEASED, sid); // the scheduler asked for it here: computed, not fetched again
            this.#startCompute(t, { ...compute, stimulusId: sid }, out);
          } else this.#toFetch(t, sid, out);
        }
        return;
      }
      case 'free-keys':
        for (const key of s.keys) {
          const t = this.tasks.get(key);
          if (t === undefined) continue;
          t.wanted = false;
          t.computeIfLost = undefined; // the scheduler no longer wants it computed here
          this.#release(t, sid, out);
        }
        return;
      case 'remove-replicas':
        for (const key of s.keys) {
          const t = this.tasks.get(key);
          if (t === undefined || t.state !== MEMORY || t.dependents.size > 0) continue;
          t.wanted = false;
          this.#release(t, sid, out);
        }
        return;
      case 'acquire-replicas':
        for (const input of s.keys) {
          const t = this.#need(input, Number.MAX_SAFE_INTEGER, sid, out);
          t.wanted = true;
        }
        return;
      case 'receive-data':
        return this.#receiveData(s.key, s.nbytes, sid, out);
      case 'steal-request': {
        // Given up only before it runs: waiting for inputs or ready (its fetched inputs are released with it when nothing else needs them).
        const t = this.tasks.get(s.key);
        const give = t === undefined || (t.wanted && (t.state === READY || t.state === WAITING));
        if (t !== undefined && give) {
          t.wanted = false;
          this.#release(t, sid, out);
        }
        out.push({ type: 'steal-response', stimulusId: sid, key: s.key, released: give });
        return;
      }
      case 'pause':
        this.paused = true;
        return;
      case 'unpause':
        this.paused = false;
        return;
      case 'set-slots':
        this.nthreads = Math.max(1, s.slots);
        this.overSlots = Math.max(0, this.executing - this.nthreads);
        return;
    }
  }

  #computeTask(s: ComputeTaskStimulus, out: WorkerInstruction[]): void {
    const sid = s.stimulusId;
    const t = this.tasks.get(s.key);
    if (t !== undefined) {
      t.wanted = true;
      t.releaseWhenDone = false;
      if (t.state === MEMORY) out.push({ type: 'task-finished', stimulusId: sid, key: t.key, nbytes: t.nbytes });
      if (t.state === WAITING) return this.#linkInputs(t, s, out); // new holders for its inputs (after missing-data)
      if (t.state === FLIGHT) t.computeIfLost = s; // on its way here; computed here if the transfer fails
      if (t.state !== FETCH && t.state !== MISSING && t.state !== ERROR) return; // already on its way here
      this.#move(t, RELEASED, sid); // compute it here instead of fetching it, or again after it erred (a new attempt)
    }
    this.#startCompute(t ?? this.#create(s.key), s, out);
  }

  /** Makes released `t` a task to compute here, as `s` says: waiting for its inputs, or ready. */
  #startCompute(t: WorkerTask, s: ComputeTaskStimulus, out: WorkerInstruction[]): void {
    const sid = s.stimulusId;
    t.wanted = true;
    t.op = s.op;
    t.priority = s.priority;
    this.#linkInputs(t, s, out);
    if (t.waitingFor.size > 0) this.#move(t, WAITING, sid);
    else this.#move(t, READY, sid);
  }

  /** Links `t` to the inputs of its compute-task, fetching those not here (and refetching missing ones that now have holders). */
  #linkInputs(t: WorkerTask, s: ComputeTaskStimulus, out: WorkerInstruction[]): void {
    for (const input of s.inputs) {
      const dep = this.#need(input, s.priority, s.stimulusId, out);
      t.dependencies.add(dep);
      dep.dependents.add(t);
      if (dep.state !== MEMORY) t.waitingFor.add(dep);
    }
  }

  /** A value the scheduler put here: in memory and wanted, unless its own transfer or run is under way (then that result wins). */
  #receiveData(key: string, nbytes: number, sid: string, out: WorkerInstruction[]): void {
    const t = this.tasks.get(key) ?? this.#create(key);
    t.wanted = true;
    t.releaseWhenDone = false;
    if (t.state === FLIGHT || t.state === EXECUTING) {
      out.push({ type: 'release-data', stimulusId: sid, key });
      return;
    }
    t.nbytes = nbytes;
    if (t.state === MEMORY) {
      out.push({ type: 'task-finished', stimulusId: sid, key, nbytes });
      return;
    }
    if (t.state !== RELEASED) {
      this.#move(t, RELEASED, sid); // waiting, ready, fetch, missing or error: the value is here now
      this.#unlinkInputs(t, sid, out);
    }
    this.#arrived(t, sid, out);
  }

  /** Gets or creates the task of an input (or a replica) and starts fetching it unless it is here or on its way. */
  #need(input: TaskInput, priority: number, sid: string, out: WorkerInstruction[]): WorkerTask {
    const t = this.tasks.get(input.key) ?? this.#create(input.key);
    t.priority = Math.min(t.priority, priority);
    t.releaseWhenDone = false;
    for (const p of input.whoHas) t.whoHas.add(p);
    if (input.nbytes !== undefined) t.nbytes = input.nbytes;
    if (t.state === RELEASED || (t.state === MISSING && t.whoHas.size > 0)) this.#toFetch(t, sid, out);
    return t;
  }

  #create(key: string): WorkerTask {
    const t = newWorkerTask(key, this.#seq++);
    this.tasks.set(key, t);
    return t;
  }

  /** To fetch, or to missing (telling the scheduler) when no holder is left. */
  #toFetch(t: WorkerTask, sid: string, out: WorkerInstruction[]): void {
    if (t.whoHas.size > 0) {
      if (t.state !== FETCH) this.#move(t, FETCH, sid);
      return;
    }
    if (t.state === RELEASED) this.#move(t, FETCH, sid); // released -> missing is not a move: a new key goes through fetch
    this.#move(t, MISSING, sid);
    out.push({ type: 'missing-data', stimulusId: sid, key: t.key, tried: [...t.tried] });
  }

  /** A result is in memory here: tell the scheduler if it asked, and wake the tasks waiting for it. */
  #arrived(t: WorkerTask, sid: string, out: WorkerInstruction[]): void {
    t.computeIfLost = undefined;
    this.#move(t, MEMORY, sid);
    if (t.wanted) out.push({ type: 'task-finished', stimulusId: sid, key: t.key, nbytes: t.nbytes });
    for (const d of t.dependents) {
      if (d.state !== WAITING || !d.waitingFor.delete(t)) continue;
      if (d.waitingFor.size === 0) this.#move(d, READY, sid);
    }
    if (!t.wanted && t.dependents.size === 0) this.#release(t, sid, out);
  }

  /** Releases `t` unless a local task still needs it (work in flight or executing: once it ends). */
  #release(t: WorkerTask, sid: string, out: WorkerInstruction[]): void {
    if (t.dependents.size > 0 || t.state === RELEASED) return;
    if (t.state === FLIGHT || t.state === EXECUTING) {
      t.releaseWhenDone = true;
      return;
    }
    if (t.state === MEMORY) out.push({ type: 'release-data', stimulusId: sid, key: t.key });
    this.#unlinkInputs(t, sid, out);
    this.#forget(t, sid);
  }

  /** Drops the links to `t`'s inputs; inputs nobody wants any more are released. */
  #unlinkInputs(t: WorkerTask, sid: string, out: WorkerInstruction[]): void {
    const deps = [...t.dependencies];
    t.dependencies.clear();
    t.waitingFor.clear();
    for (const dep of deps) {
      dep.dependents.delete(t);
      if (!dep.wanted) this.#release(dep, sid, out);
    }
  }

  #forget(t: WorkerTask, sid: string): void {
    this.#move(t, RELEASED, sid);
    this.tasks.delete(t.key);
  }

  #ensureComputing(sid: string, out: WorkerInstruction[]): void {
    while (!this.paused && this.executing < this.nthreads && this.ready.size > 0) {
      let best: WorkerTask | undefined;
      for (const t of this.ready) if (best === undefined || runsBefore(t, best)) best = t;
      this.#move(best!, EXECUTING, sid);
      out.push({ type: 'execute', stimulusId: sid, key: best!.key, op: best!.op });
    }
  }

  #ensureCommunicating(sid: string, out: WorkerInstruction[]): void {
    if (this.paused || this.fetching.size === 0 || this.transfers.size >= this.limits.maxTransfers) return;
    const order = [...this.fetching].sort((a, b) => (runsBefore(a, b) ? -1 : 1));
    const candidates = order.map((t) => ({ key: t.key, whoHas: t.whoHas, nbytes: t.nbytes >= 0 ? t.nbytes : DEFAULT_NBYTES }));
    for (const plan of planTransfers(candidates, this.transfersPerPeer, this.transfers.size, this.limits)) {
      const transferId = this.#nextTransfer++;
      const tasks = plan.keys.map((k) => this.tasks.get(k)!);
      for (const t of tasks) {
        this.#move(t, FLIGHT, sid);
        t.transferId = transferId;
      }
      this.transfers.set(transferId, { peer: plan.peer, tasks });
      this.transfersPerPeer.set(plan.peer, (this.transfersPerPeer.get(plan.peer) ?? 0) + 1);
      out.push({ type: 'gather-dep', stimulusId: sid, transferId, peer: plan.peer, keys: plan.keys, totalBytes: plan.totalBytes });
    }
  }

  /** The one place a state changes: checked against the table, logged, and the indexes kept. */
  #move(t: WorkerTask, to: number, sid: string): void {
    const from = t.state;
    if (!isLegalWorkerTransition(from, to)) throw new WorkerTransitionError(t.key, WORKER_STATES[from]!, WORKER_STATES[to]!, sid, this.story(t.key));
    if (from === READY) this.ready.delete(t);
    else if (from === FETCH) this.fetching.delete(t);
    else if (from === EXECUTING) {
      this.executing--;
      if (this.overSlots > 0) this.overSlots--;
    }
    if (to === READY) this.ready.add(t);
    else if (to === FETCH) this.fetching.add(t);
    else if (to === EXECUTING) this.executing++;
    t.state = to;
    this.#log.push({ key: t.key, from: WORKER_STATES[from]!, to: WORKER_STATES[to]!, stimulusId: sid });
  }

  /** Test hook: forces a move (checked like any other), to show that an illegal one throws at the move. */
  forceTransition(key: string, to: WorkerTaskState, stimulusId: string): void {
    const t = this.tasks.get(key);
    if (t === undefined) throw new Error(`forceTransition: no task '${key}' on this worker`);
    this.#move(t, WORKER_STATES.indexOf(to), stimulusId);
  }
}
