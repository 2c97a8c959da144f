/**
 * @tsdask/runtime/spill: what every scheduler that spills to disk shares: the spill store
 * (values as files in a temp folder of its own, written and read with the codec of `./codec`),
 * the removal of spill folders at exit and of those dead processes left, and the parser of
 * memory limits. A subpath of its own because it uses the file system; only schedulers load it.
 */
export { SpillStore, type SpillFile, type SpillStoreOptions } from './spill-store.js';
export { registerOpen, unregisterOpen, removeStale, isAlive, folderPrefix, type Closable } from './exit-cleanup.js';
export { parseBytes, parseMemoryLimit } from './memory-limit.js';
export { SpillError } from '../errors.js';
