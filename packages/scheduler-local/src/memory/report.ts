/**
 * How a spill that failed is reported: once per compute, as a process warning (the
 * SpillError itself, so `process.on('warning')` sees its code, dir and errno; Node prints it
 * to stderr) and as a 'spill-failed' event to subscribers. The compute goes on.
 */
import type { EventPump } from '../event-pump.js';
import { SpillError } from '../errors.js';

/** Reports a spill failure of task `key`'s result to the user (call once per compute). */
export function reportSpillFailure(failure: SpillError, events: EventPump, key: string): void {
  const code = failure.code as 'TSDASK_SPILL_FAILED' | 'TSDASK_SPILL_UNENCODABLE';
  // What the task returned is the user's: say which task, where the value is at fault.
  const message = code === 'TSDASK_SPILL_UNENCODABLE' ? `The result of task '${key}': ${failure.message}` : failure.message;
  const err = new SpillError(code, message, { dir: failure.dir, errno: failure.errno, path: failure.path, key, cause: failure.cause ?? failure });
  process.emitWarning(err);
  events.emit({ type: 'spill-failed', computeId: events.computeId, code, key, dir: err.dir, errno: err.errno, path: err.path, message: err.message });
}
