/**
 * TaskMemoryError (TSDASK_TASK_HEAP): a task's JavaScript heap passed the cap of its executor
 * thread, which the worker sets from its memory limit (executor.ts). Only that thread ends: the
 * task fails with this error and the worker goes on; other tasks queued on the thread run again
 * on its replacement.
 */
import { registerErrorClass, TsdaskError, type Key } from '@tsdask/core-graph';

const mib = (b: number): string => `${Math.round(b / 2 ** 20)} MiB`;

/** Task `key` needed more heap than its thread may hold (`heapLimitBytes`, from the worker's `memoryLimit`). */
export class TaskMemoryError extends TsdaskError {
  readonly key: Key;
  readonly heapLimitBytes: number;
  readonly memoryLimit: number;
  constructor(key: Key, heapLimitBytes: number, memoryLimit: number, cause?: unknown) {
    super(
      'TSDASK_TASK_HEAP',
      `Task '${key}' ran out of memory: its thread's JavaScript heap may hold ${mib(heapLimitBytes)}, set from the worker's memory limit of ${mib(memoryLimit)}. ` +
        'Use smaller partitions (a partition should be a small fraction of the limit: blocksize, npartitions or repartition), or give workers a larger memoryLimit.',
      { cause },
    );
    this.key = key;
    this.heapLimitBytes = heapLimitBytes;
    this.memoryLimit = memoryLimit;
  }
}
registerErrorClass(TaskMemoryError);
