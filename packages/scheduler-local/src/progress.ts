/**
 * The progress display of `compute(x, { progress: true })`: one more subscriber to the event
 * stream (the columnar batches, as the dashboard reads them). It counts tasks that reach
 * memory; it never walks the graph. Where it draws, chosen when a compute starts:
 * - in a notebook (tslab; when no stream was given): an HTML bar in the cell, updated in place
 *   (tslab's `newDisplay()`) at most every `notebookIntervalMs`;
 * - on a terminal: cli-progress's bar on stderr, as before;
 * - on anything else (CI logs, piped output): a text line every `intervalMs` while it runs, and
 *   one when it finishes, instead of nothing.
 */
import cliProgress from 'cli-progress';
import {
  notebook,
  TaskStateCode,
  type Callbacks,
  type ComputeFinish,
  type ComputeStart,
  type NotebookDisplay,
  type SchedulerEvent,
  type SchedulerEventType,
  type TaskEventBatch,
} from '@tsdask/core-graph';
import { progressHtml, progressLine, type ProgressCounts } from './progress-view.js';

export interface ProgressBarOptions {
  /** Time between lines when the stream is not a terminal, in ms (default 5000). */
  intervalMs?: number;
  /** Least time between two redraws of a notebook's bar, in ms (default 200). */
  notebookIntervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Where one compute's progress goes. */
interface Target {
  draw(c: ProgressCounts, final: boolean): void;
  /** Stops its timers (after the final draw). */
  stop?(): void;
}

/** A bar in the notebook's cell that each draw overwrites. */
function notebookTarget(out: NotebookDisplay, minGapMs: number, now: () => number): Target {
  let last = -Infinity;
  return {
    draw(c, final) {
      const t = now();
      if (!final && t - last < minGapMs) return;
      last = t;
      out.html(progressHtml(c));
    },
  };
}

/**
 * A line on a stream that is not a terminal: the first at once, then one per interval (from
 * the task batches, or from a timer while no task finishes), and the last.
 */
function lineTarget(stream: NodeJS.WritableStream, intervalMs: number, now: () => number, counts: () => ProgressCounts): Target {
  let last = -Infinity;
  const draw = (c: ProgressCounts, final: boolean): void => {
    const t = now();
    if (!final && t - last < intervalMs) return;
    last = t;
    stream.write(`${progressLine(c)}\n`);
  };
  // the timer never keeps the process alive, and stop() (at the compute's finish) clears it
  const timer = setInterval(() => draw(counts(), false), intervalMs);
  timer.unref();
  return {
    draw,
    stop: () => clearInterval(timer),
  };
}

/** cli-progress's bar on a terminal. */
function terminalTarget(stream: NodeJS.WritableStream, info: ComputeStart): Target {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '[{bar}] {percentage}% | {value}/{total} tasks | {duration_formatted} | {scheduler}',
      hideCursor: true,
      fps: 10,
      etaBuffer: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(info.ntasks, 0, { scheduler: info.scheduler });
  return {
    draw(c, final) {
      bar.update(c.done);
      if (final) bar.stop();
    },
  };
}

/** The progress display of a compute (a subscriber: `compute(x, { callbacks: [new ProgressBar()] })`, or `progress: true`). */
export class ProgressBar implements Callbacks {
  #target: Target | undefined;
  #done = 0;
  #total = 0;
  #started = 0;
  #scheduler = '';
  readonly #explicitStream: boolean;
  readonly #now: () => number;
  readonly eventTypes: readonly SchedulerEventType[] = ['compute-start', 'task-batch', 'compute-finish'];
  readonly stream: NodeJS.WritableStream;

  /** Draws on `stream` (default: stderr, or the notebook's cell when running in one). */
  constructor(
    stream?: NodeJS.WritableStream,
    readonly options: ProgressBarOptions = {},
  ) {
    this.#explicitStream = stream !== undefined;
    this.stream = stream ?? process.stderr;
    this.#now = options.now ?? Date.now;
  }

  /** Draws from the events it needs: the start, the task batches and the finish. */
  event(e: SchedulerEvent): void {
    switch (e.type) {
      case 'compute-start':
        this.#start(e);
        break;
      case 'task-batch':
        this.#taskBatch(e.batch);
        break;
      case 'compute-finish':
        this.#finish(e);
        break;
      default:
        break;
    }
  }

  #counts(outcome?: string): ProgressCounts {
    return {
      done: this.#done,
      total: this.#total,
      elapsedMs: this.#now() - this.#started,
      scheduler: this.#scheduler,
      ...(outcome !== undefined ? { outcome } : {}),
    };
  }

  #start(info: ComputeStart): void {
    this.#target?.stop?.();
    this.#done = 0;
    this.#total = info.ntasks;
    this.#started = this.#now();
    this.#scheduler = info.scheduler;
    const nb = this.#explicitStream ? undefined : notebook();
    if (nb !== undefined) this.#target = notebookTarget(nb.newDisplay(), this.options.notebookIntervalMs ?? 200, this.#now);
    else if ((this.stream as { isTTY?: boolean }).isTTY === true) this.#target = terminalTarget(this.stream, info);
    else this.#target = lineTarget(this.stream, this.options.intervalMs ?? 5000, this.#now, () => this.#counts());
    this.#target.draw(this.#counts(), false);
  }

  #taskBatch(b: TaskEventBatch): void {
    let n = 0;
    const state = b.state;
    for (let i = 0; i < b.length; i++) if (state[i] === TaskStateCode.memory) n++;
    if (n > 0) {
      this.#done += n;
      this.#target?.draw(this.#counts(), false);
    }
  }

  #finish(info: ComputeFinish): void {
    const outcome = info.ok ? 'done' : info.error?.name === 'CancelledError' ? 'cancelled' : `failed (${info.error?.name ?? 'error'})`;
    this.#target?.draw(this.#counts(outcome), true);
    this.#target?.stop?.();
    this.#target = undefined;
  }
}
