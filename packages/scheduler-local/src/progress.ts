/**
 * The terminal progress bar (cli-progress, on stderr): one more subscriber to the event
 * stream (the columnar batches, as the dashboard reads them). It counts tasks that reach
 * memory; it never walks the graph.
 */
import cliProgress from 'cli-progress';
import { TaskStateCode, type Callbacks, type ComputeStart, type SchedulerEvent, type SchedulerEventType, type TaskEventBatch } from '@tsdask/core-graph';

export class ProgressBar implements Callbacks {
  #bar: cliProgress.SingleBar | undefined;
  #done = 0;
  readonly eventTypes: readonly SchedulerEventType[] = ['compute-start', 'task-batch', 'compute-finish'];
  constructor(readonly stream: NodeJS.WritableStream = process.stderr) {}

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
        this.#bar?.stop();
        this.#bar = undefined;
        break;
      default:
        break;
    }
  }

  #start(info: ComputeStart): void {
    this.#done = 0;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: '[{bar}] {percentage}% | {value}/{total} tasks | {duration_formatted} | {scheduler}',
        hideCursor: true,
        fps: 10,
        etaBuffer: 1000,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(info.ntasks, 0, { scheduler: info.scheduler });
  }

  #taskBatch(b: TaskEventBatch): void {
    let n = 0;
    const state = b.state;
    for (let i = 0; i < b.length; i++) if (state[i] === TaskStateCode.memory) n++;
    if (n > 0) {
      this.#done += n;
      this.#bar?.update(this.#done);
    }
  }
}
