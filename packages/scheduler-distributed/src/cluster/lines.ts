/**
 * Reading a child process's output line by line, and keeping its last lines: what LocalCluster
 * (child.ts) and the nanny both do with the processes they start.
 */
import type { Readable } from 'node:stream';

/** Calls `onLine` with each complete line of a text stream (and the unterminated rest at its end). */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const p of parts) onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}

/** Appends `line` to `tail`, dropping the oldest lines beyond `max`. */
export function pushTail(tail: string[], line: string, max: number): void {
  tail.push(line);
  if (tail.length > max) tail.splice(0, tail.length - max);
}

/** The worker's stdout contract line: `tsdask-worker NAME listening at tcp://HOST:PORT connected to tcp://SCHEDHOST:SCHEDPORT` (name, address, scheduler). */
export const WORKER_LINE = /^tsdask-worker (\S+) listening at (tcp:\/\/\S+) connected to (tcp:\/\/\S+)\s*$/;
/** A nanny's line when it has started a worker: `tsdask-nanny NAME started worker pid PID` (name, pid). */
export const NANNY_STARTED_LINE = /^tsdask-nanny (\S+) started worker pid (\d+)\s*$/;
/** A nanny's line when its worker ended: `tsdask-nanny NAME worker pid PID ended with code C` or `... with signal S` (name, pid, 'code' | 'signal', value). */
export const NANNY_ENDED_LINE = /^tsdask-nanny (\S+) worker pid (\d+) ended with (code|signal) (\S+)\s*$/;
