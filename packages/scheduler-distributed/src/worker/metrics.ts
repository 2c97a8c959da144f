/**
 * A worker's Prometheus metrics (served at /metrics by metrics/http.ts when the worker has a
 * `--metrics-port`), named as Dask's worker names them: dask_worker_tasks{state},
 * dask_worker_threads, dask_worker_memory_bytes{type=managed|unmanaged|spilled} (managed: the
 * results in memory; unmanaged: the rest of the process's resident memory; spilled: results on
 * disk); then whether it is connected to its scheduler now (0 while it reconnects) and the
 * process's memory and CPU.
 */
import { processMetrics, type MetricFamily } from '../metrics/exposition.js';
import type { WorkerStateMachine } from './state/machine.js';
import { WORKER_STATES } from './state/task-states.js';

/** What the worker's metrics read. */
export interface WorkerMetricsSource {
  machine: WorkerStateMachine;
  nthreads: number;
  /** Bytes of results in memory and on disk. */
  managedBytes: number;
  spilledBytes: number;
  connected: boolean;
}

/** The families of a worker now. */
export function workerMetrics(w: WorkerMetricsSource): MetricFamily[] {
  const counts = new Array<number>(WORKER_STATES.length).fill(0);
  for (const t of w.machine.tasks.values()) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const proc = processMetrics();
  const rss = proc[0]!.samples[0]!.value;
  return [
    {
      name: 'dask_worker_tasks',
      help: 'Number of tasks known by the worker, by state.',
      type: 'gauge',
      samples: WORKER_STATES.map((state, i) => ({ labels: { state }, value: counts[i]! })),
    },
    { name: 'dask_worker_threads', help: 'Number of threads that run tasks.', type: 'gauge', samples: [{ value: w.nthreads }] },
    {
      name: 'dask_worker_memory_bytes',
      help: 'Memory of the worker: managed (results in memory), unmanaged (the rest of its resident memory), spilled (results on disk).',
      type: 'gauge',
      samples: [
        { labels: { type: 'managed' }, value: w.managedBytes },
        { labels: { type: 'unmanaged' }, value: Math.max(0, rss - w.managedBytes) },
        { labels: { type: 'spilled' }, value: w.spilledBytes },
      ],
    },
    {
      name: 'tsdask_worker_scheduler_connected',
      help: '1 while connected to the scheduler, 0 while reconnecting.',
      type: 'gauge',
      samples: [{ value: w.connected ? 1 : 0 }],
    },
    ...proc,
  ];
}
