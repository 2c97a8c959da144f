/**
 * The scheduler's Prometheus metrics (served at /metrics by metrics/http.ts), named as Dask's
 * scheduler names them where it has one: dask_scheduler_clients, dask_scheduler_workers,
 * dask_scheduler_tasks{state}; then tsdask's own (bytes held on workers, keys brought by
 * reconnecting workers and not reclaimed yet) and the process's memory and CPU.
 */
import { processMetrics, type MetricFamily } from '../metrics/exposition.js';
import type { SchedulerCore } from './core.js';
import { TASK_STATE_NAMES } from './state/task-states.js';

/** The families of `core` now. */
export function schedulerMetrics(core: SchedulerCore): MetricFamily[] {
  let held = 0;
  for (const w of core.state.workers.values()) held += w.nbytes;
  return [
    { name: 'dask_scheduler_clients', help: 'Number of clients connected.', type: 'gauge', samples: [{ value: core.clients.size }] },
    { name: 'dask_scheduler_workers', help: 'Number of workers connected.', type: 'gauge', samples: [{ value: core.workers.size }] },
    {
      name: 'dask_scheduler_tasks',
      help: 'Number of tasks known by the scheduler, by state.',
      type: 'gauge',
      samples: TASK_STATE_NAMES.filter((s) => s !== 'forgotten').map((state) => ({
        labels: { state },
        value: core.state.countIn(TASK_STATE_NAMES.indexOf(state)),
      })),
    },
    {
      name: 'tsdask_scheduler_memory_bytes',
      help: 'Bytes of results held on the workers, as the scheduler knows them.',
      type: 'gauge',
      samples: [{ value: held }],
    },
    {
      name: 'tsdask_scheduler_recovered_keys_unclaimed',
      help: 'Keys brought by workers that reconnected after a scheduler restart and not reclaimed by a client yet.',
      type: 'gauge',
      samples: [{ value: core.recovered.unclaimed }],
    },
    ...processMetrics(),
  ];
}
