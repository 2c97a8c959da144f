/**
 * The scheduler's intake of graphs: one graph at a time, in submission order, checked for
 * cycles (cycle-check.ts) and taken into the state machine in slices ('graph-submitted' sliced, then 'graph-step's, state/ingest.ts) of at
 * most SLICE_MS each, with the event loop free between them (setImmediate), so heartbeats,
 * results and the dashboard keep flowing while a graph of a million tasks goes in. The
 * instructions of each step (tasks ready to run) are carried out at once: workers start on the
 * first tasks while the rest is still coming in.
 */
import type { Key, TaskGraph } from '@tsdask/core-graph';
import type { SchedulerCore } from './core.js';
import type { CycleCheck } from './cycle-check.js';
import type { SchedulerStimulus } from './state/messages.js';

/** Longest run of ingestion steps in one event-loop turn, in ms. */
export const SLICE_MS = 20;
/** Work units per 'graph-step' (about one per task and edge): a few ms each. */
const STEP_BUDGET = 4096;
/** Edges and tasks per step of a cycle check. */
const CHECK_BUDGET = 65_536;

/** One graph to take in; `done` is called once, with the error that refused it (nothing of it was taken) or none. */
export interface IntakeJob {
  graph: TaskGraph;
  outputs: readonly Key[];
  priorities: Int32Array | undefined;
  /** The graph's cycle check, run in slices before anything of it is taken in (a cycle refuses it). */
  check?: CycleCheck;
  /** Outputs whose task-done / task-erred the submitting session sends itself (they were settled before): not sent again by the ingestion. */
  answered?: ReadonlySet<Key>;
  done(err?: Error): void;
}

/** Figures of the intake (the client's schedulerStats()). */
export interface IntakeStats {
  /** Graphs taken in. */
  graphs: number;
  /** Whether a graph is being taken in now (an answer with `busy` true came between two of its slices). */
  busy: boolean;
  /** Tasks of the last graph taken in, and the ms from its submission to the end of its last slice. */
  lastTasks: number;
  lastMs: number;
  /** The process's CPU time (all its threads) in those ms: its own work, which the load of other processes does not inflate. */
  lastCpuMs: number;
  /** The longest slice of any graph, in ms of wall time and of the process's CPU time (less than wall when the OS ran others). */
  longestSliceMs: number;
  longestSliceCpuMs: number;
}

export class GraphIntake {
  readonly #core: SchedulerCore;
  readonly #queue: IntakeJob[] = [];
  #current: { job: IntakeJob; t0: number; cpu0: NodeJS.CpuUsage; checked: boolean } | undefined;
  #timer: ReturnType<typeof setImmediate> | undefined;
  readonly #stats = { graphs: 0, lastTasks: 0, lastMs: 0, lastCpuMs: 0, longestSliceMs: 0, longestSliceCpuMs: 0 };

  constructor(core: SchedulerCore) {
    this.#core = core;
  }

  /** The figures now. */
  get stats(): IntakeStats {
    return { ...this.#stats, busy: this.#current !== undefined };
  }

  /** Queues a graph; it is taken in after those before it. */
  submit(job: IntakeJob): void {
    this.#queue.push(job);
    if (this.#current === undefined) this.#startNext();
  }

  /** Stops (the scheduler is closing): graphs not yet in are dropped. */
  close(): void {
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#current = undefined;
  }

  #startNext(): void {
    const job = this.#queue.shift();
    if (job === undefined) return;
    this.#current = { job, t0: performance.now(), cpu0: process.cpuUsage(), checked: job.check === undefined };
    this.#again(); // not in the turn that submitted it: that turn already decoded and checked the graph's last message
  }

  /** Checks the current graph for at most SLICE_MS; once checked, submits it (sliced). Returns false when it was refused. */
  #checkSome(cur: { job: IntakeJob; checked: boolean }, until: number): boolean {
    const job = cur.job;
    try {
      while (!cur.checked && performance.now() < until) cur.checked = job.check!.step(CHECK_BUDGET);
      if (!cur.checked) return true;
      const p = job.priorities;
      this.#apply(job, { type: 'graph-submitted', graph: job.graph, outputs: job.outputs, sliced: true, ...(p !== undefined ? { priorities: p } : {}) });
      return true;
    } catch (err) {
      this.#current = undefined;
      job.done(err as Error);
      return false;
    }
  }

  /** Applies a stimulus of `job`'s ingestion and carries out its instructions, less the answers its session gave itself. */
  #apply(job: IntakeJob, s: SchedulerStimulus): void {
    let out = this.#core.state.handle(s);
    const skip = job.answered;
    if (skip !== undefined && skip.size > 0) out = out.filter((i) => !((i.type === 'task-done' || i.type === 'task-erred') && skip.has(i.key)));
    this.#core.dispatch(out);
  }

  #again(): void {
    this.#timer = setImmediate(this.#slice);
  }

  readonly #slice = (): void => {
    this.#timer = undefined;
    const cur = this.#current;
    if (cur === undefined) return;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      this.#sliceOf(cur, t0 + SLICE_MS);
    } finally {
      const cpu = process.cpuUsage(cpu0);
      this.#stats.longestSliceMs = Math.max(this.#stats.longestSliceMs, performance.now() - t0);
      this.#stats.longestSliceCpuMs = Math.max(this.#stats.longestSliceCpuMs, (cpu.user + cpu.system) / 1000);
    }
  };

  #sliceOf(cur: { job: IntakeJob; t0: number; cpu0: NodeJS.CpuUsage; checked: boolean }, until: number): void {
    const core = this.#core;
    if (!cur.checked) {
      if (!this.#checkSome(cur, until)) return this.#startNext();
      if (!cur.checked) return this.#again();
    }
    try {
      do this.#apply(cur.job, { type: 'graph-step', budget: STEP_BUDGET });
      while (core.state.ingesting && performance.now() < until);
    } catch (err) {
      core.log(`tsdask-scheduler: internal error while taking in a graph: ${(err as Error).stack ?? String(err)}`);
      this.#current = undefined;
      cur.job.done(err as Error);
      this.#startNext();
      return;
    }
    if (core.state.ingesting) return this.#again();
    this.#current = undefined;
    const cpu = process.cpuUsage(cur.cpu0);
    Object.assign(this.#stats, {
      graphs: this.#stats.graphs + 1,
      lastTasks: cur.job.graph.size,
      lastMs: performance.now() - cur.t0,
      lastCpuMs: (cpu.user + cpu.system) / 1000,
    });
    cur.job.done();
    if (this.#current === undefined) this.#startNext();
  }
}
