/**
 * Worker names as the page shows them: the local scheduler reports thread ids (numbers; -1
 * for the calling thread), a distributed scheduler will report addresses (strings).
 */

/** The display name of a worker as the event stream reports it. */
export function workerName(worker: number | string): string {
  if (typeof worker === 'string') return worker;
  return worker < 0 ? 'main' : `thread ${worker}`;
}
