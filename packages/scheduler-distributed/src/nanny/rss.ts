/**
 * A process's resident memory, read from /proc/PID/status (VmRSS): all its threads' heaps and
 * its ArrayBuffer memory, what the nanny compares with the memory limit. Linux only: undefined
 * where /proc is missing or the process is gone.
 */
import { readFile } from 'node:fs/promises';

/** The resident set size of process `pid` in bytes, or undefined when it cannot be read. */
export async function readRss(pid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m === null ? undefined : Number(m[1]) * 1024;
}
