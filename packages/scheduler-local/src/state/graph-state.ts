/**
 * Graph state: where every task of a compute is in its lifecycle, and the counts that move it
 * (inputs still missing per batch, dependent batches still to finish per result, outputs,
 * retries, batches left). Every state change goes through `transition(task, to, stimulus)`,
 * which checks the move against the table of legal transitions (transitions.ts) and throws
 * InvalidTransitionError at once, then writes it to the transition log. Pure: no threads,
 * timers or I/O, and no policy: which batch runs next (dispatch-policy.ts) and which result is
 * kept, spilled or released (memory-policy.ts) are decided elsewhere; this records what
 * happened.
 *
 * States and legal moves: see transitions.ts.
 */
import { sharedUint8, type Key, type TaskGraph } from '@tsdask/core-graph';
import type { BatchPlan } from './batches.js';
import { InvalidTransitionError } from '../errors.js';
import { ERRED, MEMORY, READY, RELEASED, RUNNING, STATES, TransitionLog, WAITING, type StimulusRecord } from './transition-log.js';
import { STATE_COUNT, TRANSITION_TABLE } from './transitions.js';

/** One line of a task's story. */
export interface StoryEntry {
  key: Key;
  from: string;
  to: string;
  stimulus: StimulusRecord | undefined;
}

export class GraphState {
  /** State code of each task (see transitions.ts). */
  readonly state: Uint8Array;
  readonly log: TransitionLog;
  readonly g: TaskGraph;
  readonly plan: BatchPlan;
  /** 1 for tasks whose results are returned (never released). */
  readonly isOutput: Uint8Array;
  /** Per batch: inputs not yet in memory. */
  readonly pending: Int32Array;
  /** Per batch: dependent batches not yet finished (the refcount of its root's result). */
  readonly refs: Int32Array;
  /** Per batch: times its worker was lost. */
  readonly attempts: Uint8Array;
  /** Batches not yet finished. */
  remaining: number;

  constructor(g: TaskGraph, plan: BatchPlan, outputs: Int32Array, logCapacity?: number) {
    this.g = g;
    this.plan = plan;
    // Arrays per task on shared memory (core-graph's sharedInt32 says why).
    this.state = sharedUint8(g.size);
    this.log = new TransitionLog(logCapacity);
    this.isOutput = sharedUint8(g.size);
    for (const o of outputs) this.isOutput[o] = 1;
    const count = plan.count;
    this.pending = new Int32Array(count);
    this.refs = new Int32Array(count);
    for (let b = 0; b < count; b++) {
      this.pending[b] = plan.inPtr[b + 1]! - plan.inPtr[b]!;
      this.refs[b] = plan.outPtr[b + 1]! - plan.outPtr[b]!;
    }
    this.attempts = new Uint8Array(count);
    this.remaining = count;
  }

  /** Moves a task to state `to` because of stimulus `stim`; throws InvalidTransitionError on a move the table forbids. */
  transition(task: number, to: number, stim: number): void {
    const from = this.state[task]!;
    if (TRANSITION_TABLE[from * STATE_COUNT + to] !== 1) throw this.#invalid(task, from, to, stim);
    this.log.record(task, from, to, stim);
    this.state[task] = to;
  }

  #invalid(task: number, from: number, to: number, stim: number): InvalidTransitionError {
    const key = this.g.keys[task] as Key;
    const story = this.story(key).map((s) => ({ from: s.from, to: s.to, stimulus: s.stimulus?.type }));
    return new InvalidTransitionError(key, STATES[from] as string, STATES[to] as string, story, this.log.stimuli.get(stim)?.type);
  }

  /** State code of batch b (its root's). */
  batchState(b: number): number {
    return this.state[this.plan.root[b]!]!;
  }

  /** Whether batch b reads no other batch's result (a reader, a creator). */
  isRoot(b: number): boolean {
    return this.plan.inPtr[b + 1] === this.plan.inPtr[b];
  }

  /** Batch b's root is queued: all its inputs are in memory (or its worker was lost). */
  ready(b: number, stim: number): void {
    this.transition(this.plan.root[b]!, READY, stim);
  }

  /** Batch b was dispatched: all its members run. */
  running(b: number, stim: number): void {
    const p = this.plan;
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]!; m++) this.transition(p.memIdx[m]!, RUNNING, stim);
  }

  /**
   * Batch b finished: its internal members' results were consumed inside it (memory, then
   * released at once), its root's result is held.
   */
  finished(b: number, stim: number): void {
    const p = this.plan;
    this.remaining--;
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]! - 1; m++) {
      this.transition(p.memIdx[m]!, MEMORY, stim);
      this.transition(p.memIdx[m]!, RELEASED, stim);
    }
    this.transition(p.root[b]!, MEMORY, stim);
  }

  /** Task `task` (a batch root) lets its result go. */
  released(task: number, stim: number): void {
    this.transition(task, RELEASED, stim);
  }

  /** Batch b failed for good: all its members are erred. */
  erred(b: number, stim: number): void {
    const p = this.plan;
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]!; m++) this.transition(p.memIdx[m]!, ERRED, stim);
  }

  /** Batch b's worker was lost and it will run again: its internal members wait (the root is made ready apart). */
  requeued(b: number, stim: number): void {
    const p = this.plan;
    for (let m = p.memPtr[b]!; m < p.memPtr[b + 1]! - 1; m++) this.transition(p.memIdx[m]!, WAITING, stim);
  }

  /** Batch b's worker was lost once more; returns how many times in all. */
  workerLost(b: number): number {
    return ++this.attempts[b]!;
  }

  /** One dependent of input batch ib finished; returns how many are left. */
  dependentDone(ib: number): number {
    return --this.refs[ib]!;
  }

  /** One input of batch d arrived; returns whether all have. */
  inputArrived(d: number): boolean {
    return --this.pending[d]! === 0;
  }

  /** A task's history, from the transitions still in the log. */
  story(key: Key): StoryEntry[] {
    const id = this.g.index.get(key);
    if (id === undefined) return [];
    const out: StoryEntry[] = [];
    this.log.forEachSince(0, (task, from, to, stim) => {
      if (task === id) out.push({ key, from: STATES[from] as string, to: STATES[to] as string, stimulus: this.log.stimuli.get(stim) });
    });
    return out;
  }

  /** The graph's invariants between stimuli; returns the violations found. */
  validate(): string[] {
    const bad: string[] = [];
    const p = this.plan;
    const keys = this.g.keys;
    for (let b = 0; b < p.count; b++) {
      const root = p.root[b]!;
      const st = this.state[root]!;
      if (st === READY && this.pending[b] !== 0) bad.push(`${keys[root]} is ready with inputs missing`);
      if (st === RELEASED && this.isOutput[root]) bad.push(`output ${keys[root]} was released`);
      if (st === RUNNING || st === READY) {
        for (let e = p.inPtr[b]!; e < p.inPtr[b + 1]!; e++) {
          const s = this.state[p.inIdx[e]!];
          if (s !== MEMORY) bad.push(`${keys[root]} is ${STATES[st]} but input ${keys[p.inIdx[e]!]} is ${STATES[s!]}`);
        }
      }
    }
    return bad;
  }
}
