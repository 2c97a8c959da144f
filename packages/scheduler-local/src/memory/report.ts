/**
 * How a spill that failed is reported: once per compute, as a process warning (the
 * SpillError itself, so `process.on('warning')` sees its code, dir and errno; Node prints it
 * to stderr) and as a 'spill-failed' event to subscribers. The compute goes on.
 */
import type { EventPump } from '../event-pump.js';
import type { SpillError } from '../errors.js';

/** Reports a spill failure to the user (call once per compute). */
export function reportSpillFailure(err: SpillError, events: EventPump): void {
  process.emitWarning(err);
  const payload = { code: err.code, dir: err.dir, errno: err.errno, path: err.path, message: err.message };
  for (const c of events.callbacks) {
    try {
      c.event?.('spill-failed', payload, events.computeId);
    } catch (e) {
      console.error('tsdask: a progress/event subscriber threw (ignored):', e);
    }
  }
}
