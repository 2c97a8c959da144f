/**
 * Which exchange a shuffle lowers to (shuffle.ts): the `dataframe.shuffle.method` config
 * setting, as Dask's: 'tasks' (the all-to-all task graph), 'p2p' (peer-to-peer transfers
 * through the cluster's workers; only a distributed Client runs it) or 'auto' (the default):
 * 'p2p' when the configured scheduler (`config.set({ scheduler: client })`) runs P2P shuffles
 * (core-graph Scheduler.p2pShuffle: a distributed Client), else 'tasks' (Dask: p2p when a distributed client is the default one). A compute given
 * `{ scheduler: client }` only for itself lowers with the config's method: set
 * `dataframe.shuffle.method: 'p2p'` to shuffle peer to peer there.
 */
import { config, registerOption, type Scheduler, type SchedulerChoice } from '@tsdask/core-graph';

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

/** The method shuffles lower to now. */
export function shuffleMethod(): 'tasks' | 'p2p' {
  const set = (config.get(SHUFFLE_METHOD) as ShuffleMethodSetting | undefined) ?? 'auto';
  if (set !== 'auto') return set;
  return runsP2P(config.get('scheduler')) ? 'p2p' : 'tasks';
}

/** Whether a scheduler choice is a scheduler object (or a client giving one) that runs P2P shuffles; a name is a local scheduler. */
function runsP2P(choice: SchedulerChoice | undefined): boolean {
  if (choice === undefined || typeof choice === 'string') return false;
  const s: Scheduler = 'asScheduler' in choice && typeof choice.asScheduler === 'function' ? choice.asScheduler() : (choice as Scheduler);
  return s.p2pShuffle === true;
}
