/**
 * Which exchange a shuffle lowers to (shuffle.ts): the `dataframe.shuffle.method` config
 * setting, as Dask's: 'tasks' (the all-to-all task graph), 'p2p' (peer-to-peer transfers
 * through the cluster's workers; only a distributed Client runs it) or 'auto' (the default):
 * 'p2p' when the scheduler the graph is lowered for runs P2P shuffles (core-graph
 * Scheduler.p2pShuffle: a distributed Client), else 'tasks'. That scheduler is the compute's own
 * (`compute({ scheduler: client })`, core-graph loweringScheduler) while a compute lowers,
 * else the configured one (`config.set({ scheduler: client })`, as for graphOf): Dask's 'auto' is
 * p2p when the client in use is a distributed one.
 */
import { config, loweringScheduler, registerOption, type ComputeOptions, type Scheduler, type SchedulerChoice } from '@tsdask/core-graph';

/** The config setting. */
export const SHUFFLE_METHOD = 'dataframe.shuffle.method';
/** The methods a shuffle may lower to, and 'auto'. */
export type ShuffleMethodSetting = 'auto' | 'tasks' | 'p2p';
const METHODS: readonly ShuffleMethodSetting[] = ['auto', 'tasks', 'p2p'];

registerOption(SHUFFLE_METHOD, {
  owner: '@tsdask/dataframe',
  scope: 'config',
  check: (v) =>
    METHODS.includes(v as ShuffleMethodSetting) ? undefined : `must be one of ${METHODS.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(v)}`,
});

/** The scheduler choice of a compute whose graph a frame lowers before computing it (toRecords, head: `lowerForCompute`). */
let computeChoice: SchedulerChoice | undefined;

/** The method shuffles lower to now. */
export function shuffleMethod(): 'tasks' | 'p2p' {
  const set = (config.get(SHUFFLE_METHOD) as ShuffleMethodSetting | undefined) ?? 'auto';
  if (set !== 'auto') return set;
  return runsP2P(computeChoice ?? loweringScheduler() ?? config.get('scheduler')) ? 'p2p' : 'tasks';
}

/** Runs `lower` (synchronous) for a compute with `opts`: its own scheduler, when it names one, decides 'auto'. */
export function lowerForCompute<T>(opts: ComputeOptions, lower: () => T): T {
  if (opts.scheduler === undefined) return lower();
  const before = computeChoice;
  computeChoice = opts.scheduler;
  try {
    return lower();
  } finally {
    computeChoice = before;
  }
}

/** Whether a scheduler choice is a scheduler object (or a client giving one) that runs P2P shuffles; a name is a local scheduler. */
function runsP2P(choice: SchedulerChoice | undefined): boolean {
  if (choice === undefined || typeof choice === 'string') return false;
  const s: Scheduler = 'asScheduler' in choice && typeof choice.asScheduler === 'function' ? choice.asScheduler() : (choice as Scheduler);
  return s.p2pShuffle === true;
}
